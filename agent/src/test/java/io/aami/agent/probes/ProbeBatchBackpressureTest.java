package io.aami.agent.probes;

import static io.aami.agent.probes.ProbeFixtures.CLOCK;
import static io.aami.agent.probes.ProbeFixtures.tcp;
import static io.aami.agent.probes.ProbeFixtures.validated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.api.LocalApi;
import io.aami.agent.config.AgentConfig;
import io.aami.common.json.WireJson;
import io.aami.contract.probes.ProbeResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local API's only back-pressure is its caller waiting for the whole call: a probe the prober throws on (as
 * SocketChannel.open(INET6) does on an IPv4-only JVM) is a failed result, not a call answered early while its other
 * probes still wait; and a call that would queue past the engine's bound is refused (429) without queuing.
 */
class ProbeBatchBackpressureTest {
    private static final String NO_IPV6 = "2001:db8::1";
    private final ProbeMetrics metrics = new ProbeMetrics(new PrometheusRegistry(), 100);

    /** The real TCP prober, but like an IPv4-only JVM for IPv6 targets. */
    private static final class Ipv4OnlyTcp implements Prober {
        private final TcpProber real = new TcpProber();

        @Override
        public Outcome start(ProbeAttempt a, Selector selector) {
            if (a.target.getAddress().length == 16) {
                throw new UnsupportedOperationException("Protocol family unavailable");
            }
            return real.start(a, selector);
        }

        @Override
        public Outcome ready(ProbeAttempt a) {
            return real.ready(a);
        }

        @Override
        public Outcome expired(ProbeAttempt a) {
            return real.expired(a);
        }
    }

    private ProbeEngine engine(int maxInFlight, int maxQueued) {
        return new ProbeEngine(maxInFlight, maxQueued, 1, CLOCK, metrics, InetAddress::getAllByName, new Ipv4OnlyTcp(),
                new UdpProber());
    }

    @Test
    @Timeout(60)
    void aProbeThatCannotOpenItsSocketIsAFailedResultAndTheCallWaitsForAllItsProbes() throws Exception {
        try (ProbeEngine engine = engine(1, 100); BlackholeListener blackhole = new BlackholeListener()) {
            List<ValidatedProbe> probes = new ArrayList<>();
            probes.add(validated(tcp(NO_IPV6, 80, 1000)));
            for (int i = 0; i < 4; i++) {
                probes.add(validated(tcp("127.0.0.1", blackhole.port(), 400))); // one at a time, each waits its 400 ms
            }
            long t0 = System.nanoTime();
            List<ProbeResult> results = engine.runAll(probes);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).as("runAll returned while its probes were still queued").isGreaterThan(1.5);
            assertThat(results).extracting(ProbeResult::reason).containsExactly("bind_error", "timeout", "timeout",
                    "timeout", "timeout");
            assertThat(results.get(0).success()).isFalse();
        }
    }

    @Test
    @Timeout(30)
    void aFailedProbeWakesTheCallerOnlyOnceEveryProbeOfTheBatchIsFinished() throws Exception {
        ProbeBatch batch = new ProbeBatch(2);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<List<ProbeResult>> waiting = caller.submit(batch::await);
            batch.fail(0, new IllegalStateException("probe engine closed"));
            Thread.sleep(200);
            assertThat(waiting.isDone()).as("woken while probe 1 still runs").isFalse();
            batch.complete(1, null);
            assertThatThrownBy(() -> waiting.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .hasMessageContaining("probe engine closed");
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void aCallThatWouldOverfillTheQueueIsRefusedWholeAndAnsweredAs429() throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (ProbeEngine engine = engine(1, 3); BlackholeListener blackhole = new BlackholeListener()) {
            // Long enough to still hold the queue while the API starts on a loaded machine (2 s once was not);
            // closing the engine ends them.
            ValidatedProbe slow = validated(tcp("127.0.0.1", blackhole.port(), 30_000));
            Future<List<ProbeResult>> first = caller.submit(() -> engine.runAll(List.of(slow, slow, slow)));
            while (!first.isDone() && engine.queued() == 0) {
                Thread.sleep(5);
            }
            assertThatThrownBy(() -> engine.runAll(List.of(slow, slow))).isInstanceOf(ProbeQueueFullException.class);

            ObjectMapper mapper = WireJson.mapper(LocalApi.MAX_BODY * 2);
            try (LocalApi api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, null), mapper,
                    new ProbeRoutes(engine, metrics, false, java.time.Clock.systemUTC()).routes(), Executors.newFixedThreadPool(2))) {
                String task = "{\"target_ip\":\"127.0.0.1\",\"target_port\":" + blackhole.port() + ",\"protocol\":\"TCP\",\"timeout_ms\":100}";
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/run_tasks")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[" + task + "," + task + "," + task + "]")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                JsonNode body = mapper.readTree(r.body());
                assertThat(body.get("code").asText()).isEqualTo("PROBE_QUEUE_FULL");
                assertThat(body.get("error").asText()).contains("at most 3");
            }
            engine.close();
            assertThatThrownBy(first::get).hasMessageContaining("probe engine closed");
        } finally {
            caller.shutdownNow();
        }
    }
}
