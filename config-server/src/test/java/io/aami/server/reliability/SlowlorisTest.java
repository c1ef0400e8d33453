package io.aami.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against a real server while real agents keep heartbeating (each its own HTTP client and
 * credential): hundreds of connections, each from its own loopback address, dribbling a request's headers a
 * byte at a time (some on a fresh connection, some after a first request on a kept-alive one), others
 * dribbling a login body. The header deadline must close the first two kinds, the body deadline and the
 * unauthenticated in-flight limit hold the third, and the agents' heartbeat p99 stays bounded (printed).
 */
class SlowlorisTest {
    private static final String HEADERS = "GET /api/v1/groups HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slowloris\r\nX-Pad: ";
    private static final String LOGIN = "POST /api/v1/login/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100000\r\n\r\n{\"user\":\"x\",\"password\":\"";

    /** 300 connections for 6 s: in verify. */
    @Test
    @Tag("reliability")
    void heartbeatsStayFastUnderHundredsOfSlowConnections() throws Exception {
        run(300, Duration.ofSeconds(6), "2s");
    }


    /** 1,500 connections for 60 s. */
    @Test
    @Tag("reliability-long")
    void heartbeatsStayFastUnderAMinuteOfSlowloris() throws Exception {
        run(1_500, Duration.ofSeconds(60), "2s");
    }

    private static void run(int connections, Duration length, String headerDeadline) throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_HTTP_HEADER_READ_TIMEOUT", headerDeadline, "AAMI_HTTP_BODY_READ_TIMEOUT", "4s",
                "AAMI_RATE_LIMITS_AGENT_PER_SECOND", "1000", "AAMI_RATE_LIMITS_AGENT_BURST", "1000"))) {
            List<Fixtures.EnrolledAgent> agents = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                agents.add(Fixtures.enroll(server.api(), "loris-agent-" + i, null));
            }
            Attack attack = new Attack(server.port(), connections);
            Thread attacker = new Thread(attack::run, "slowloris");
            attacker.start();
            List<Long> millis = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failed = new AtomicInteger();
            try {
                attack.opened.await(60, java.util.concurrent.TimeUnit.SECONDS);
                List<Thread> beaters = new ArrayList<>();
                long until = System.nanoTime() + length.toNanos();
                for (Fixtures.EnrolledAgent a : agents) {
                    Thread t = new Thread(() -> heartbeat(server.port(), a, until, millis, failed), "agent-" + a.id());
                    t.start();
                    beaters.add(t);
                }
                for (Thread t : beaters) {
                    t.join();
                }
            } finally {
                attack.stop.set(true);
                attacker.join(60_000);
            }
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            long p50 = sorted.get(sorted.size() / 2);
            long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
            System.out.printf("slowloris: %d slow connections (peak open %d, %d closed by the server) for %d s; %d heartbeats, "
                            + "p50 %d ms, p99 %d ms, max %d ms, %d failed%n", connections, attack.peakOpen.get(), attack.closedByServer.get(),
                    length.toSeconds(), sorted.size(), p50, p99, sorted.get(sorted.size() - 1), failed.get());
            assertThat(failed.get()).as("heartbeats not answered 200").isZero();
            assertThat(attack.peakOpen.get()).as("slow connections open at once").isGreaterThan(connections / 2);
            assertThat(attack.closedByServer.get()).as("slow connections the deadlines closed").isPositive();
            // Generous: the machine running the tests is shared; without the deadlines heartbeats time out (10 s).
            assertThat(p99).as("heartbeat p99 in ms under slowloris").isLessThan(3_000);
            assertThat(attack.stuckPastDeadline()).as("slow connections kept open well past every deadline").isZero();
        }
    }

    private static void heartbeat(int port, Fixtures.EnrolledAgent a, long until, List<Long> millis, AtomicInteger failed) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/agents/" + a.id() + "/heartbeat"))
                .header("Authorization", "Bearer " + a.token()).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_version\":\"1.0.0\",\"uptime_seconds\":1}")).build();
        while (System.nanoTime() < until) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    failed.incrementAndGet();
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            millis.add((System.nanoTime() - t0) / 1_000_000);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The slow connections: a third dribble headers on a new connection, a third after a first request on the
     * same (kept-alive) connection, a third a login body. Each gets one byte a round (about twice a second) and is
     * reopened when the server closes it; how long each stayed open is kept to check the deadlines.
     */
    private static final class Attack {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger peakOpen = new AtomicInteger();
        final AtomicInteger closedByServer = new AtomicInteger();
        final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        private final AtomicInteger stuck = new AtomicInteger();
        private final int port;
        private final Socket[] sockets;
        private final long[] since;

        Attack(int port, int n) {
            this.port = port;
            this.sockets = new Socket[n];
            this.since = new long[n];
        }

        /** Connections seen open for 5 s (past the header deadline of 2 s, checked each second, and the body one of 4 s) on one request. */
        int stuckPastDeadline() {
            return stuck.get();
        }

        void run() {
            try {
                while (!stop.get()) {
                    int alive = 0;
                    for (int i = 0; i < sockets.length && !stop.get(); i++) {
                        alive += tend(i) ? 1 : 0;
                    }
                    peakOpen.accumulateAndGet(alive, Math::max);
                    opened.countDown();
                    sleep(500);
                }
            } finally {
                for (Socket s : sockets) {
                    closeQuietly(s);
                }
                opened.countDown();
            }
        }

        private boolean tend(int i) {
            try {
                Socket s = sockets[i];
                if (s != null && closed(s)) {
                    closedByServer.incrementAndGet();
                    closeQuietly(s);
                    s = null;
                }
                if (s == null) {
                    sockets[i] = s = open(i);
                    since[i] = System.nanoTime();
                } else {
                    if (System.nanoTime() - since[i] > Duration.ofSeconds(5).toNanos()) {
                        stuck.incrementAndGet();
                        since[i] = System.nanoTime();
                    }
                    s.getOutputStream().write('a');
                }
                return true;
            } catch (IOException e) {
                closeQuietly(sockets[i]);
                sockets[i] = null;
                closedByServer.incrementAndGet();
                return false;
            }
        }

        private Socket open(int i) throws IOException {
            Socket s = new Socket();
            s.bind(new InetSocketAddress("127.0." + (1 + i / 250) + "." + (2 + i % 250), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            switch (i % 3) {
                case 0 -> s.getOutputStream().write(HEADERS.getBytes(StandardCharsets.US_ASCII));
                case 1 -> {
                    s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    readAnswer(s);
                    s.getOutputStream().write(HEADERS.getBytes(StandardCharsets.US_ASCII));
                }
                default -> s.getOutputStream().write(LOGIN.getBytes(StandardCharsets.US_ASCII));
            }
            return s;
        }

        /** Reads the first answer on a kept-alive connection: its headers and the Content-Length bytes after them. */
        private static void readAnswer(Socket s) throws IOException {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed before the answer");
                }
                head.append((char) c);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            if (m.find()) {
                in.readNBytes(Integer.parseInt(m.group(1)));
            }
        }

        /** Whether the server answered (a 408 or 503) or closed: anything to read, or end of stream. */
        private static boolean closed(Socket s) {
            try {
                s.setSoTimeout(1);
                InputStream in = s.getInputStream();
                return in.available() > 0 || in.read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void closeQuietly(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
