package io.aami.agent.policy;

import io.aami.server.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.util.StopSignal;
import io.aami.common.json.WireJson;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.pki.PolicySigner;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What outlives a process: the rollback floor on disk, and a bundle's expiry, stored or running. */
class PolicyLifetimeTest {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    final UUID agent = UUID.randomUUID();
    final List<PolicyBundle> applied = new CopyOnWriteArrayList<>();
    PolicySigner signer;
    CredentialHolder holder;
    MutableClock clock;
    PrometheusRegistry registry;

    @BeforeEach
    void setUp() {
        signer = PolicySigner.loadOrCreate(dir.resolve("pki"), new SecureRandom());
        holder = new CredentialHolder();
        holder.set(new AgentCredentials(agent, "t", "s", T0, signer.publicKeyBase64(), signer.keyId()));
        clock = new MutableClock(T0);
    }

    /** A fresh process: new gate and file objects over the same state dir. */
    PolicyGate restart() {
        applied.clear();
        registry = new PrometheusRegistry();
        return new PolicyGate(applied::add, agent, holder, clock, registry);
    }

    PolicyFile file() {
        return new PolicyFile(dir.resolve("state/policy.json"), WireJson.mapper(1 << 20));
    }

    void startFromDisk(PolicyGate gate) {
        new PolicyPoller(null, holder, file(), gate, null, clock, Duration.ofSeconds(1), new StopSignal(), null, null).startFromStored();
    }

    PolicyBundle signed(long version, String script, Instant generated, Duration ttl) {
        CheckSpec check = new CheckSpec(UUID.nameUUIDFromBytes("c".getBytes()), "c", "sh", script, sha(script), List.of(), Map.of(),
                10, 5, Map.of());
        return signer.sign(new PolicyBundle(version, agent, generated, generated.plus(ttl), List.of(check), List.of(), null, null));
    }

    static String sha(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String metrics() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString();
    }

    @Test
    void anOlderSignedBundlePutBackOnDiskIsRefusedAfterARestart() throws Exception {
        PolicyGate first = restart();
        PolicyBundle v3 = signed(3, "echo three", T0, Duration.ofDays(7));
        assertThat(first.offer(v3)).isTrue();
        file().save(v3);
        Path saved = dir.resolve("v3-copy.json");
        Files.copy(dir.resolve("state/policy.json"), saved);
        PolicyBundle v5 = signed(5, "echo five", T0, Duration.ofDays(7));
        assertThat(first.offer(v5)).isTrue();
        file().save(v5);
        assertThat(Files.readString(dir.resolve("state/policy.floor")).strip()).isEqualTo("5");

        // Stopped; the old, validly signed, unexpired v3 is put back while the server is unreachable.
        Files.copy(saved, dir.resolve("state/policy.json"), StandardCopyOption.REPLACE_EXISTING);
        PolicyGate second = restart();
        startFromDisk(second);
        assertThat(applied).isEmpty();
        assertThat(second.appliedVersion()).isEqualTo(-1);
        assertThat(second.lastError()).contains("stored policy version 3 refused: rollback");
        assertThat(metrics()).contains("aami_agent_policy_refusals_total{reason=\"rollback\"} 1.0");
        // The server, once back, is held to the same floor.
        assertThat(second.offer(signed(4, "echo four", T0, Duration.ofDays(7)))).isFalse();
        assertThat(second.offer(v5)).isTrue();
    }

    @Test
    void theStoredCurrentBundleStillRunsAfterARestart() {
        PolicyGate first = restart();
        PolicyBundle v5 = signed(5, "echo five", T0, Duration.ofDays(7));
        assertThat(first.offer(v5)).isTrue();
        file().save(v5);
        PolicyGate second = restart();
        startFromDisk(second);
        assertThat(second.appliedVersion()).isEqualTo(5);
        assertThat(applied).hasSize(1);
    }

    @Test
    void aStoredBundlePastItsExpiryIsNotReappliedOnStart() throws Exception {
        PolicyGate first = restart();
        PolicyBundle v5 = signed(5, "echo five", T0, Duration.ofHours(1));
        assertThat(first.offer(v5)).isTrue();
        file().save(v5);
        clock.advance(Duration.ofHours(2));
        PolicyGate second = restart();
        startFromDisk(second);
        assertThat(applied).isEmpty();
        assertThat(second.lastError()).contains("stored policy version 5 refused: expired");
        assertThat(metrics()).contains("aami_agent_policy_refusals_total{reason=\"expired\"} 1.0");
        assertThat(second.versionToAskFor()).isEqualTo(-1);
    }

    @Test
    void aRunningBundleStopsAtItsExpiryByTheTimerAndAFreshSignatureStartsItAgain() throws Exception {
        PolicyGate gate = restart();
        PolicyBundle v5 = signed(5, "echo five", T0, Duration.ofHours(1));
        assertThat(gate.offer(v5)).isTrue();
        StopSignal stop = new StopSignal();
        Thread timer = new Thread(new ExpiryTimer(gate, stop), "expiry-under-test");
        timer.start();
        try {
            clock.advance(Duration.ofMinutes(59));
            Thread.sleep(1_500);
            assertThat(applied).hasSize(1);
            assertThat(metrics()).contains("aami_agent_policy_expired 0.0");

            clock.advance(Duration.ofMinutes(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (applied.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(applied).hasSize(2);
            assertThat(applied.get(1).checks()).isEmpty();
            assertThat(applied.get(1).probes()).isEmpty();
            assertThat(gate.lastError()).contains("policy version 5 expired at 2030-01-01T01:00:00Z")
                    .contains("stopped");
            assertThat(metrics()).contains("aami_agent_policy_expired 1.0");
            Thread.sleep(1_500);
            assertThat(applied).hasSize(2);
            // The poller now asks for whatever the server has, and the re-signed same version restarts it.
            assertThat(gate.versionToAskFor()).isEqualTo(-1);
            assertThat(gate.offer(v5)).isFalse();
            PolicyBundle resigned = signed(5, "echo five", clock.instant(), Duration.ofHours(1));
            assertThat(gate.offer(resigned)).isTrue();
            assertThat(applied).hasSize(3);
            assertThat(applied.get(2).checks()).hasSize(1);
            assertThat(gate.lastError()).isNull();
            assertThat(metrics()).contains("aami_agent_policy_expired 0.0");
        } finally {
            stop.stop();
            timer.join(5_000);
        }
    }

    @Test
    void anUnchangedPolicyIsRefreshedHalfwayWithoutRestartingItsChecks() {
        PolicyGate gate = restart();
        PolicyBundle v5 = signed(5, "echo five", T0, Duration.ofHours(2));
        assertThat(gate.offer(v5)).isTrue();
        assertThat(gate.versionToAskFor()).isEqualTo(5);
        clock.advance(Duration.ofMinutes(61));
        assertThat(gate.versionToAskFor()).isEqualTo(-1);
        // Not again within the minute: an unchanged answer must not turn the long poll into a busy loop.
        assertThat(gate.versionToAskFor()).isEqualTo(5);
        assertThat(gate.offer(signed(5, "echo five", clock.instant(), Duration.ofHours(2)))).isTrue();
        assertThat(applied).hasSize(1);
        clock.advance(Duration.ofMinutes(90));
        gate.expireIfDue();
        assertThat(applied).hasSize(1);
        assertThat(gate.lastError()).isNull();
    }
}
