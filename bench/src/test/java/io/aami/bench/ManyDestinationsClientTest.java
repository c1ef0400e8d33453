package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One destination per agent without one bean per destination: 1,000 tags each get their own connection to a real
 * server, the client's bean list does not grow with them, and stopping the client closes every connection.
 */
class ManyDestinationsClientTest {
    static final int AGENTS = 1000;

    @Test
    @Timeout(60)
    void eachTagHasItsOwnConnectionAndTheBeanListStaysShort() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        ConcurrentHashMap<InetSocketAddress, Boolean> peers = new ConcurrentHashMap<>();
        server.createContext("/", exchange -> {
            peers.put(exchange.getRemoteAddress(), true);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        ManyDestinationsClient client = new ManyDestinationsClient(new HttpClientTransportOverHTTP(new ClientConnector()));
        client.setMaxConnectionsPerDestination(1);
        client.start();
        int beansBefore = client.getBeans().size();
        try {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            CountDownLatch done = new CountDownLatch(AGENTS);
            AtomicInteger ok = new AtomicInteger();
            for (int i = 0; i < AGENTS; i++) {
                client.newRequest(uri).tag("agent-" + i).timeout(30, TimeUnit.SECONDS).send(r -> {
                    if (r.isSucceeded() && r.getResponse().getStatus() == 204) {
                        ok.incrementAndGet();
                    }
                    done.countDown();
                });
            }
            assertThat(done.await(50, TimeUnit.SECONDS)).isTrue();
            assertThat(ok).hasValue(AGENTS);
            assertThat(peers).as("a connection of its own per tag").hasSize(AGENTS);
            assertThat(client.getDestinations()).hasSize(AGENTS);
            assertThat(client.getBeans()).as("destinations are not beans").hasSize(beansBefore);
            client.newRequest(uri).tag("agent-0").send(); // the same destination again: still one per tag
            assertThat(client.getDestinations()).hasSize(AGENTS);
        } finally {
            client.stop();
            server.stop(0);
        }
        assertThat(client.getDestinations()).isEmpty();
    }
}
