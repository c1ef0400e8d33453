package io.aami.agent.checks;

import static io.aami.server.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.policy.PolicyGate;
import io.aami.agent.schedule.RunHistory;
import io.aami.common.json.WireJson;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProcessMatch;
import io.aami.server.pki.PolicySigner;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process and passive checks in the scheduler, and what an agent that predates kinds does with a bundle carrying
 * them: it reads the JSON ignoring the members it does not know, so it sees a check with no script.
 */
class CheckKindsTest {
    @TempDir
    Path dir;
    private final List<CheckExecution> results = new CopyOnWriteArrayList<>();
    private CheckScheduler scheduler;

    @AfterEach
    void tearDown() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    static CheckSpec process(UUID id, ProcessMatch m, int interval) {
        return new CheckSpec(id, "proc", null, null, null, List.of(), Map.of(), interval, 1, Map.of(), "process", m);
    }

    static CheckSpec passive(UUID id) {
        return new CheckSpec(id, "backup", null, null, null, List.of(), Map.of(), 1, 1, Map.of(), "passive", null);
    }

    static boolean execd(Process p, String program) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                    .startsWith(program + "\0");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aProcessCheckRunsInTheAgentAndAPassiveCheckIsNotScheduled() throws Exception {
        Process child = new ProcessBuilder("sleep", "3000.4242" + ProcessHandle.current().pid()).start();
        try {
            // Past exec before the check looks (its first run comes within 5 s, but the machine may be slow).
            assertThat(within(Duration.ofSeconds(10), () -> execd(child, "sleep"))).isTrue();
            scheduler = new CheckScheduler("agent-1", ScriptExecutorBuilder.in(dir).build(), 2, results::add,
                    new CheckMetrics(new PrometheusRegistry()), Clock.systemUTC(), RunHistory.inMemory());
            UUID proc = UUID.randomUUID();
            ProcessMatch m = new ProcessMatch(null, null, "^sleep 3000\\.4242" + ProcessHandle.current().pid() + "$", null,
                    1, 1, null, null, null, null);
            scheduler.apply(List.of(process(proc, m, 1), passive(UUID.randomUUID())));
            assertThat(scheduler.scheduledChecks()).isEqualTo(1);
            within(Duration.ofSeconds(8), () -> !results.isEmpty());
            CheckExecution run = results.get(0);
            assertThat(run.checkId()).isEqualTo(proc);
            assertThat(run.status()).as(run.output()).isEqualTo("ok");
            assertThat(run.exitCode()).isNull();
            assertThat(run.output()).contains("1 process matches").contains("pid " + child.pid() + " sleep");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aPolicyMixingKindsWithScriptFieldsOrAnUnknownKindIsRefused() {
        scheduler = new CheckScheduler("agent-1", ScriptExecutorBuilder.in(dir).build(), 1, results::add,
                new CheckMetrics(new PrometheusRegistry()), Clock.systemUTC(), RunHistory.inMemory());
        ProcessMatch m = new ProcessMatch("x", null, null, null, 1, null, null, null, null, null);
        CheckSpec withScript = new CheckSpec(UUID.randomUUID(), "p", "sh", "echo", "ab", List.of(), Map.of(), 60, 10,
                Map.of(), "process", m);
        assertThatThrownBy(() -> scheduler.apply(List.of(withScript))).hasMessageContaining("no interpreter or script");
        CheckSpec unknown = new CheckSpec(UUID.randomUUID(), "p", null, null, null, List.of(), Map.of(), 60, 10, Map.of(),
                "http", null);
        assertThatThrownBy(() -> scheduler.apply(List.of(unknown))).hasMessageContaining("kind 'http' is not known");
        CheckSpec noMatch = process(UUID.randomUUID(), null, 60);
        assertThatThrownBy(() -> scheduler.apply(List.of(noMatch))).hasMessageContaining("process is missing");
        assertThat(scheduler.scheduledChecks()).isZero();
    }

    @Test
    void anAgentBeforeKindsRefusesABundleWithAProcessCheckAndNeverRunsItAsAScript() throws Exception {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        UUID agent = UUID.randomUUID();
        PolicySigner signer = PolicySigner.loadOrCreate(dir.resolve("pki"), new SecureRandom());
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(agent, "t", "s", now, signer.publicKeyBase64(), signer.keyId()));
        List<PolicyBundle> applied = new ArrayList<>();
        PolicyGate gate = new PolicyGate(applied::add, agent, holder, Clock.fixed(now, java.time.ZoneOffset.UTC),
                new PrometheusRegistry());
        ProcessMatch m = new ProcessMatch("^sshd$", null, null, null, 1, null, null, null, null, null);
        PolicyBundle signed = signer.sign(new PolicyBundle(3, agent, now, now.plusSeconds(3600),
                List.of(process(UUID.randomUUID(), m, 60), passive(UUID.randomUUID())), List.of(), null, null));

        // What an old agent parses: the same JSON, its CheckSpec without kind and process.
        ObjectMapper mapper = WireJson.mapper();
        ObjectNode json = (ObjectNode) mapper.readTree(mapper.writeValueAsBytes(signed));
        json.withArray("checks").forEach(c -> ((ObjectNode) c).remove(List.of("kind", "process")));
        assertThat(json.toString()).doesNotContain("kind").doesNotContain("sshd");
        PolicyBundle asOldAgentSeesIt = mapper.treeToValue(json, PolicyBundle.class);

        assertThat(gate.offer(asOldAgentSeesIt)).isFalse();
        assertThat(gate.lastError()).contains("signature");
        // Past the signature too (were it ever not covered): a check with no kind is a script check, and it has none.
        assertThatThrownBy(() -> CheckSpecs.normalizeAll(asOldAgentSeesIt.checks())).hasMessageContaining("interpreter is missing");
        assertThat(applied).isEmpty();
        // This agent applies the bundle as signed.
        assertThat(gate.offer(mapper.readValue(mapper.writeValueAsBytes(signed), PolicyBundle.class))).isTrue();
        assertThat(applied.get(0).checks().get(0).process()).isEqualTo(m);
    }
}
