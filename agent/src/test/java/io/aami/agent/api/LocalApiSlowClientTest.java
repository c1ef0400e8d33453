package io.aami.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The adversary's attack on the local API: any local user opens as many connections as it has
 * workers and sends one byte on each. The JDK server read requests without a bound, so every worker
 * waited for ever and /metrics, /healthz and /probe answered nobody until the attacker let go.
 */
class LocalApiSlowClientTest {
    @Test
    void halfSentRequestsAreCutAndTheApiKeepsAnswering() throws Exception {
        List<Socket> attackers = new ArrayList<>();
        try (LocalApi api = LocalApiTest.start(null)) { // two workers
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), api.port());
                s.getOutputStream().write('G');
                s.getOutputStream().flush();
                attackers.add(s);
            }
            long started = System.nanoTime();
            for (Socket s : attackers) {
                s.setSoTimeout(30_000);
                try (InputStream in = s.getInputStream()) {
                    assertThat(in.read()).as("the server closed the half-sent request").isEqualTo(-1);
                } catch (java.net.SocketException reset) {
                    // closed with a reset: cut as well
                }
            }
            long cutAfterMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(cutAfterMs).as("cut at the 10 s bound, not held for ever").isLessThan(25_000);
            RawHttp.Response health = RawHttp.send(api.port(), "GET", "/healthz", null, "Host: 127.0.0.1");
            assertThat(health.status()).as("the workers are free again").isEqualTo(200);
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }
    }

    @Test
    void theAgentSetsTheJdkBoundUnlessAnOperatorDid() {
        String before = System.getProperty(LocalApi.MAX_REQUEST_SECONDS_PROPERTY);
        try {
            System.clearProperty(LocalApi.MAX_REQUEST_SECONDS_PROPERTY);
            LocalApi.boundRequestReading();
            assertThat(System.getProperty(LocalApi.MAX_REQUEST_SECONDS_PROPERTY)).isEqualTo(LocalApi.MAX_REQUEST_SECONDS);
            System.setProperty(LocalApi.MAX_REQUEST_SECONDS_PROPERTY, "3");
            LocalApi.boundRequestReading();
            assertThat(System.getProperty(LocalApi.MAX_REQUEST_SECONDS_PROPERTY)).isEqualTo("3");
        } finally {
            System.setProperty(LocalApi.MAX_REQUEST_SECONDS_PROPERTY, before == null ? LocalApi.MAX_REQUEST_SECONDS : before);
        }
    }
}
