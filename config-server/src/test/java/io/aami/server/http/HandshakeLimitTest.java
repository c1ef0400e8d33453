package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Pem;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link HandshakeLimit} on a real TLS listener: raw sockets that connect and send nothing hold handshake
 * places (the handshake timeout is long here), and a real TLS client shows whether it is admitted.
 */
class HandshakeLimitTest {
    private static final Duration HELD = Duration.ofMillis(800);

    @Test
    void aFullListenerAdmitsTheNextHandshakeOnlyWhenOneEnds() throws Exception {
        try (TestServer server = TestServer.start(settings(3, 3))) {
            List<Socket> silent = open(server, 3, "127.0.0.1");
            try {
                CompletableFuture<String> late = CompletableFuture.supplyAsync(() -> handshake(server, "127.0.0.1"));
                TimeUnit.MILLISECONDS.sleep(HELD.toMillis());
                assertThat(late).as("a fourth handshake while three are in progress").isNotDone();
                // A handshake that fails gives its place back as well as one that succeeds.
                silent.get(0).getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
                assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo("TLSv1.3");
                // The successful handshake gave its place back too: the listener is not stuck at the limit.
                assertThat(handshake(server, "127.0.0.1")).isEqualTo("TLSv1.3");
            } finally {
                close(silent);
            }
        }
    }

    @Test
    void oneAddressCannotHoldEveryPlace() throws Exception {
        try (TestServer server = TestServer.start(settings(4, 2))) {
            List<Socket> silent = open(server, 2, "127.0.0.1");
            try (Socket third = new Socket()) {
                third.bind(new InetSocketAddress("127.0.0.1", 0));
                third.connect(new InetSocketAddress("127.0.0.1", server.port()));
                third.setSoTimeout(10_000);
                long t0 = System.nanoTime();
                InputStream in = third.getInputStream();
                assertThat(in.read()).as("the address's third connection is closed unread").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
                assertThat(handshake(server, "127.0.0.2")).as("another address still handshakes").isEqualTo("TLSv1.3");
                assertThat(metrics(server)).contains("aami_tls_handshakes_refused_total 1.0");
            } finally {
                close(silent);
            }
        }
    }

    @Test
    void silentClientsHoldingEveryPlaceAreReclaimed() throws Exception {
        try (TestServer server = TestServer.start(settings(3, 3))) {
            List<Socket> silent = open(server, 3, "127.0.0.1");
            try {
                long t0 = System.nanoTime();
                // Without reclaiming, this would wait for the 60 s handshake timeout.
                assertThat(handshake(server, "127.0.0.2")).isEqualTo("TLSv1.3");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
                for (Socket s : silent) {
                    s.setSoTimeout(10_000);
                    assertThat(s.getInputStream().read()).as("a silent connection is closed").isEqualTo(-1);
                }
                assertThat(metrics(server)).contains("aami_tls_handshakes_reclaimed_total 3.0");
            } finally {
                close(silent);
            }
        }
    }

    @Test
    void anIpv6HostIsCountedByItsSlash64() throws Exception {
        InetAddress a = HandshakeLimit.addressKey(InetAddress.getByName("2001:db8::1"));
        assertThat(HandshakeLimit.addressKey(InetAddress.getByName("2001:db8::ffff:1:2"))).isEqualTo(a);
        assertThat(HandshakeLimit.addressKey(InetAddress.getByName("2001:db8:0:1::1"))).isNotEqualTo(a);
        assertThat(HandshakeLimit.addressKey(InetAddress.getByName("192.0.2.7"))).isEqualTo(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void connectionsArrivingWhileEveryPlaceIsTakenWaitInTheAcceptQueueNotInSynRetries() throws Exception {
        // A queue of 512 (twice the places of a server with 256): every connection waits in it.
        assertThat(connectedWhilePaused(Map.of("AAMI_HTTP_ACCEPT_QUEUE", "512"))).as("with an accept queue of 512").isEqualTo(300);
        // The JDK's default backlog: the kernel drops the SYNs beyond it, and TCP retries them a second later.
        assertThat(connectedWhilePaused(Map.of("AAMI_HTTP_ACCEPT_QUEUE", "50"))).as("with a queue of 50").isLessThan(100);
    }

    /** Of 300 connections started at once while one silent socket holds the only handshake place, those made in 700 ms. */
    private static int connectedWhilePaused(Map<String, String> extra) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(settings(1, 1));
        env.putAll(extra);
        try (TestServer server = TestServer.start(env)) {
            List<Socket> silent = open(server, 1, "127.0.0.1");
            List<java.nio.channels.SocketChannel> channels = new ArrayList<>();
            try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                for (int i = 0; i < 300; i++) {
                    java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open();
                    channels.add(ch);
                    ch.configureBlocking(false);
                    if (!ch.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
                        ch.register(selector, java.nio.channels.SelectionKey.OP_CONNECT);
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
                for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    for (java.nio.channels.SelectionKey key : selector.selectedKeys()) {
                        try {
                            ((java.nio.channels.SocketChannel) key.channel()).finishConnect();
                        } catch (java.io.IOException refused) {
                            // counted as not connected
                        }
                        key.cancel();
                    }
                    selector.selectedKeys().clear();
                }
                return (int) channels.stream().filter(java.nio.channels.SocketChannel::isConnected).count();
            } finally {
                for (java.nio.channels.SocketChannel ch : channels) {
                    ch.close();
                }
                close(silent);
            }
        }
    }

    private static Map<String, String> settings(int max, int perAddress) {
        return Map.of("AAMI_TLS", "on", "AAMI_HTTP_TLS_HANDSHAKE_TIMEOUT", "60s",
                "AAMI_HTTP_MAX_TLS_HANDSHAKES", String.valueOf(max),
                "AAMI_HTTP_MAX_TLS_HANDSHAKES_PER_ADDRESS", String.valueOf(perAddress));
    }

    private static List<Socket> open(TestServer server, int n, String from) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            sockets.add(s);
        }
        // Accepted in order before any later connection; a moment so the listener has counted them.
        TimeUnit.MILLISECONDS.sleep(300);
        return sockets;
    }

    private static void close(List<Socket> sockets) throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** A TLS handshake from {@code from} (a loopback address); its protocol. */
    private static String handshake(TestServer server, String from) {
        try (SSLSocket s = (SSLSocket) TlsTestClients.context(server.caCertificate(), null).getSocketFactory().createSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            s.setSoTimeout(20_000);
            s.startHandshake();
            return s.getSession().getProtocol();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String metrics(TestServer server) throws Exception {
        try (SSLSocket s = (SSLSocket) TlsTestClients.context(server.caCertificate(), null).getSocketFactory().createSocket()) {
            s.bind(new InetSocketAddress("127.0.0.3", 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes());
            return new String(s.getInputStream().readAllBytes());
        }
    }

}
