package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** HTTP and HTTPS probes against real local servers (the JDK's HttpServer and HttpsServer). */
class HttpProberTest {
    @RegisterExtension
    final EngineUnderTest engine = new EngineUnderTest(64);

    @TempDir
    static Path dir;
    static TestPki.Issued ca;
    static Path caFile;
    static TestWebServer http;
    static TestPki.Issued localhostLeaf;
    static TestWebServer https;
    static Instant expiredAt;
    static TestWebServer expired;
    static TestWebServer svc;

    /** One server of each kind for the whole class: stopping a JDK server takes about a second. */
    @BeforeAll
    static void servers() throws Exception {
        ca = TestPki.ca("aami test CA");
        caFile = TestPki.pem(dir, ca.cert());
        http = TestWebServer.http();
        localhostLeaf = TestPki.validLeaf(ca, "localhost");
        https = TestWebServer.https(TestPki.serverContext(localhostLeaf, ca));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        expiredAt = now.minus(1, ChronoUnit.DAYS);
        TestPki.Issued old = TestPki.leaf(ca, "localhost", now.minus(10, ChronoUnit.DAYS), expiredAt);
        expired = TestWebServer.https(TestPki.serverContext(old, ca));
        svc = TestWebServer.https(TestPki.serverContext(TestPki.validLeaf(ca, "svc.example"), ca));
    }

    @AfterAll
    static void stop() throws Exception {
        List<Thread> stops = java.util.stream.Stream.of(http, https, expired, svc)
                .map(s -> new Thread(s::close)).toList();
        stops.forEach(Thread::start);
        for (Thread t : stops) {
            t.join();
        }
    }

    static HttpProbeOptions path(String path) {
        return new HttpProbeOptions(null, path, null, null, null, null, null, null, null, null);
    }

    static ProbeTask task(String protocol, int port, int timeoutMs, HttpProbeOptions options) {
        return new ProbeTask("web", null, null, "127.0.0.1", port, protocol, timeoutMs, null, null, null, options);
    }

    @Test
    void aPageIsOkWithItsStatusAndPhases() throws Exception {
        ProbeResult r = engine.run(task("HTTP", http.port(), 2000, path("/ok")));

        assertThat(r.reason()).isEqualTo("ok");
        assertThat(r.success()).isTrue();
        assertThat(r.protocol()).isEqualTo("HTTP");
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.connectMs()).isNotNull().isPositive();
        assertThat(r.firstByteMs()).isNotNull().isPositive();
        assertThat(r.tlsMs()).isNull();
        assertThat(r.certNotAfter()).isNull();
        assertThat(r.totalMs()).isGreaterThanOrEqualTo(r.connectMs() + r.firstByteMs());
        assertThat(ProbeFixtures.counter(engine.registry, "aami_agent_probes", "HTTP", "ok")).isEqualTo(1);
    }

    @Test
    void anUnexpectedStatusIsHttpStatusAndAnExpectedOneIsOk() throws Exception {
        ProbeResult down = engine.run(task("HTTP", http.port(), 2000, path("/down")));
        ProbeResult expected = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/down", List.of("200", "500-503"), null, null, null, null, null, null, null)));

        assertThat(down.reason()).isEqualTo("http_status");
        assertThat(down.httpStatus()).isEqualTo(503);
        assertThat(expected.reason()).isEqualTo("ok");
    }

    @Test
    void theBodyMustMatchTheRegexIncludingAChunkedOne() throws Exception {
        ProbeResult mismatch = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/ok", null, "good(bye)", null, null, null, null, null, null)));
        ProbeResult match = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/ok", null, "hel+o w", null, null, null, null, null, null)));
        ProbeResult chunked = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/chunked", null, "part 49 the end$", null, null, null, null, null, null)));

        assertThat(mismatch.reason()).isEqualTo("body_mismatch");
        assertThat(mismatch.httpStatus()).isEqualTo(200);
        assertThat(match.reason()).isEqualTo("ok");
        assertThat(chunked.reason()).isEqualTo("ok");
    }

    @Test
    void redirectsAreFollowedOnlyWhenAskedAndALoopIsFound() throws Exception {
        ProbeResult notFollowed = engine.run(task("HTTP", http.port(), 2000, path("/moved")));
        ProbeResult followed = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/moved", null, "hello", null, null, true, null, null, null)));
        ProbeResult loop = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/loop-a", null, null, null, null, true, 10, null, null)));
        ProbeResult elsewhere = engine.run(task("HTTP", http.port(), 2000,
                new HttpProbeOptions(null, "/away", List.of("3xx"), null, null, null, true, null, null, null)));

        assertThat(notFollowed.reason()).isEqualTo("http_status");
        assertThat(notFollowed.httpStatus()).isEqualTo(302);
        assertThat(followed.reason()).isEqualTo("ok");
        assertThat(followed.httpStatus()).isEqualTo(200);
        assertThat(loop.reason()).isEqualTo("redirect_loop");
        assertThat(elsewhere.reason()).as("another host is not followed: its 302 is the answer").isEqualTo("ok");
        assertThat(elsewhere.httpStatus()).isEqualTo(302);
    }

    @Test
    void aSlowBodyTimesOut() throws Exception {
        ProbeResult r = engine.run(task("HTTP", http.port(), 500, path("/slow")));

        assertThat(r.reason()).isEqualTo("timeout");
        assertThat(r.totalMs()).isBetween(400.0, 2_500.0);
    }

    @Test
    void aChainFromTheCaFileIsTrustedAndItsNotAfterReportedAndExported() throws Exception {
        TestPki.Issued leaf = localhostLeaf;
        {
            ProbeResult r = engine.run(task("HTTPS", https.port(), 5000,
                    new HttpProbeOptions(null, "/ok", null, "hello", null, null, null, null, caFile.toString(), "localhost")));

            assertThat(r.reason()).isEqualTo("ok");
            assertThat(r.protocol()).isEqualTo("HTTPS");
            assertThat(r.tlsMs()).isNotNull().isPositive();
            assertThat(r.certNotAfter()).isEqualTo(leaf.cert().getNotAfter().toInstant());

            var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
            new ProbeMetrics(registry, 10).recordTaskResult(r);
            assertThat(expiryGauge(registry)).isEqualTo(leaf.cert().getNotAfter().toInstant().getEpochSecond());
        }
    }

    @Test
    void withoutTheCaFileTheSystemStoreRefusesTheChain() throws Exception {
        {
            ProbeResult r = engine.run(task("HTTPS", https.port(), 5000, path("/ok")));

            assertThat(r.reason()).isEqualTo("tls_error");
            assertThat(r.certNotAfter()).as("the refused certificate's date is still reported").isNotNull();
        }
    }

    @Test
    void anExpiredCertificateIsCertificateExpiredWithItsDate() throws Exception {
        ProbeResult r = engine.run(task("HTTPS", expired.port(), 5000,
                new HttpProbeOptions(null, "/ok", null, null, null, null, null, null, caFile.toString(), "localhost")));

        assertThat(r.reason()).isEqualTo("certificate_expired");
        assertThat(r.certNotAfter()).isEqualTo(expiredAt);
    }

    @Test
    void aNameTheCertificateDoesNotHoldIsHostnameMismatchAndServerNameIsTheOneChecked() throws Exception {
        {
            ProbeResult wrong = engine.run(task("HTTPS", svc.port(), 5000,
                    new HttpProbeOptions(null, "/ok", null, null, null, null, null, null, caFile.toString(), "other.example")));
            ProbeResult right = engine.run(task("HTTPS", svc.port(), 5000,
                    new HttpProbeOptions(null, "/ok", null, null, null, null, null, null, caFile.toString(), "svc.example")));

            assertThat(wrong.reason()).isEqualTo("hostname_mismatch");
            assertThat(right.reason()).isEqualTo("ok");
        }
    }

    @Test
    void aServerThatHangsUpIsHttpOrTlsErrorAndAClosedPortRefused() throws Exception {
        try (TcpListener hangsUp = new TcpListener()) {
            assertThat(engine.run(task("HTTP", hangsUp.port(), 2000, path("/"))).reason()).isEqualTo("http_error");
            assertThat(engine.run(task("HTTPS", hangsUp.port(), 2000, path("/"))).reason()).isEqualTo("tls_error");
        }
        assertThat(engine.run(task("HTTP", ProbeFixtures.closedTcpPort(), 2000, path("/"))).reason()).isEqualTo("refused");
    }

    private static double expiryGauge(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m instanceof GaugeSnapshot g && m.getMetadata().getPrometheusName().equals("aami_probe_tls_cert_expiry_timestamp_seconds")) {
                return g.getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError("no aami_probe_tls_cert_expiry_timestamp_seconds");
    }
}
