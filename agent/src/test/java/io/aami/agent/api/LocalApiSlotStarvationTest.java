package io.aami.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JavaType;
import io.aami.agent.config.AgentConfig;
import io.aami.common.json.WireJson;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Body slots cannot be held for ever, nor one kind of caller starve another, over real sockets: a client that
 * never reads its (large) answer must not keep its slot, and requests holding every probe slot must not keep a
 * result submission out.
 */
class LocalApiSlotStarvationTest {
    static final BodyLimits SMALL = new BodyLimits(1024, 3, 100, LocalApiException.badRequest("TOO_MANY", "at most 3"));
    /** More than loopback socket buffers hold, as 10,000 /run_tasks results with long task ids (~4.5 MB) nearly are. */
    static final int BIG_ANSWER = 7 * 1024 * 1024;

    final JavaType anyList = WireJson.mapper().getTypeFactory().constructCollectionType(List.class, Object.class);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch holding = new CountDownLatch(BodyPool.PROBES.slots());
    final List<Socket> clients = new ArrayList<>();
    LocalApi api;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (Socket s : clients) {
            s.close();
        }
        if (api != null) {
            api.close();
        }
    }

    void start() {
        Map<String, LocalApi.Endpoint> routes = Map.of(
                "/big", new LocalApi.Endpoint(Set.of("POST"), ex -> {
                    ex.body(anyList, SMALL);
                    ex.send(200, "application/json", ("\"" + "x".repeat(BIG_ANSWER - 2) + "\"").getBytes(StandardCharsets.US_ASCII));
                }, BodyPool.PROBES),
                "/hold", new LocalApi.Endpoint(Set.of("POST"), ex -> {
                    ex.body(anyList, SMALL);
                    holding.countDown();
                    await(release);
                    ex.json(200, Map.of("held", true));
                }, BodyPool.PROBES),
                "/things", new LocalApi.Endpoint(Set.of("POST"), ex -> ex.json(200, Map.of("n", ex.<List<?>>body(anyList, SMALL).size())),
                        BodyPool.PROBES),
                "/results", new LocalApi.Endpoint(Set.of("POST"), ex -> ex.json(202, Map.of("n", ex.<List<?>>body(anyList, SMALL).size())),
                        BodyPool.RESULTS));
        api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, null), WireJson.mapper(), routes, Executors.newFixedThreadPool(8));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a POST and never reads the answer; a tiny receive buffer so the server's write blocks at once. */
    void postAndNeverRead(String path, String body) throws Exception {
        Socket s = new Socket();
        clients.add(s);
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), api.port()));
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    RawHttp.Response post(String path, String body) throws Exception {
        return RawHttp.send(api.port(), "POST", path, body, "Host: 127.0.0.1", "Content-Type: application/json");
    }

    @Test
    void clientsThatNeverReadTheirAnswersDoNotKeepTheBodySlots() throws Exception {
        start();
        postAndNeverRead("/big", "[1]");
        postAndNeverRead("/big", "[2]");
        Thread.sleep(1_000); // both bodies read, both answers built and stuck in the write

        long started = System.nanoTime();
        RawHttp.Response r = post("/things", "[1,2]");
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"n\":2}");
        assertThat(tookMs).as("no wait for a slot").isLessThan(2_000);
        RawHttp.Response big = post("/big", "[3]");
        assertThat(big.status()).as("the heap of answers not taken is bounded: %s", big.body()).isEqualTo(503);
        assertThat(big.body()).contains("\"code\":\"BUSY\"", "have not taken");
    }

    @Test
    void theJdkServerClosesAConnectionWhoseAnswerIsNotTaken() {
        assertThat(System.getProperty(LocalApi.MAX_RESPONSE_SECONDS_PROPERTY)).as("set when LocalApi is loaded")
                .isEqualTo(LocalApi.MAX_RESPONSE_SECONDS);
    }

    @Test
    void requestsHoldingEveryProbeSlotDoNotKeepResultsOut() throws Exception {
        start();
        for (int i = 0; i < BodyPool.PROBES.slots(); i++) {
            postAndNeverRead("/hold", "[" + i + "]");
        }
        assertThat(holding.await(10, TimeUnit.SECONDS)).as("every probe slot is held").isTrue();
        assertThat(post("/things", "[1]").status()).as("the probe pool is full").isEqualTo(503);

        RawHttp.Response r = post("/results", "[1,2,3]");

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("{\"n\":3}");
    }
}
