package io.aami.agent.checks;

import io.aami.agent.util.ProcessUid;
import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.policy.CheckSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 1 of issue 16: a check's env reached the root-run helpers before the privilege drop, so
 * {@code LD_PRELOAD} ran a shared object as uid 0, and {@code BASH_ENV} ran commands around an
 * allow-listed script. The real executor, as root with run-as 'nobody' on the test machines, real
 * child processes, a real shared object built with cc.
 */
class CheckEnvHooksTest {
    @TempDir
    Path dir;
    Path markers;

    @BeforeEach
    void worldWritableMarkers() throws Exception {
        // Whoever loads the hook (root or nobody) can write its marker, so a missing marker means it never ran.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        markers = Files.createDirectory(dir.resolve("markers"));
        Files.setPosixFilePermissions(markers, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    ScriptExecutor executor(LocalScriptPolicy policy) {
        return ScriptExecutorBuilder.in(dir.resolve("state")).localPolicy(policy).build();
    }

    @Test
    void anLdPreloadObjectNeverLoadsAndTheCheckIsReportedNotRun() throws Exception {
        Path marker = markers.resolve("loaded");
        assumeTrue(PreloadHook.buildable() || System.getenv("AAMI_REQUIRE_TOOLS") != null, "no C compiler (cc) on this host");
        Path hook = PreloadHook.build(dir, marker);
        // The attack is real: the object loads into any dynamically linked program and records who ran it.
        ProcessBuilder control = new ProcessBuilder("/bin/true");
        control.environment().put("LD_PRELOAD", hook.toString());
        assertThat(control.start().waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path controlMarker = markers.resolve("loaded." + ProcessUid.effective());
        assertThat(Files.readString(controlMarker)).contains("uid=" + ProcessUid.effective() + " ");
        Files.delete(controlMarker);

        CheckMetrics metrics = new CheckMetrics(new PrometheusRegistry());
        CheckSpec attack = spec(UUID.randomUUID(), "sh", "tr '\\0' '\\n' < /proc/self/environ; echo ran", List.of(),
                Map.of("LD_PRELOAD", hook.toString(), "LIMIT", "90"), 60, 10);
        CheckExecution e = executor(ScriptExecutorBuilder.PERMISSIVE).execute(attack);
        metrics.recordRun(e);

        assertThat(e.status()).isEqualTo("unknown");
        assertThat(e.exitCode()).isNull();
        assertThat(e.refusal()).isEqualTo("forbidden_env");
        assertThat(e.output()).contains("LD_PRELOAD").doesNotContain("ran\n").doesNotContain("LIMIT=90");
        try (var loads = Files.list(markers)) {
            assertThat(loads).as("the shared object never loaded, as root or as anyone").isEmpty();
        }
        assertThat(metrics.refused.labelValues("forbidden_env").get()).isEqualTo(1.0);
        assertThat(ScriptExecutor.environment(attack, dir)).doesNotContainKey("LD_PRELOAD").containsEntry("LIMIT", "90");
    }

    @Test
    void bashEnvAroundAnAllowListedScriptNeverRuns() throws Exception {
        Path marker = markers.resolve("bash-env");
        Path evil = dir.resolve("evil.sh");
        Files.writeString(evil, "echo hooked > " + marker + "\n");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr--r--"));
        String harmless = "echo harmless\n";
        // The attack is real: bash runs BASH_ENV before any non-interactive script.
        Path script = dir.resolve("harmless.sh");
        Files.writeString(script, harmless);
        ProcessBuilder control = new ProcessBuilder("bash", script.toString());
        control.environment().put("BASH_ENV", evil.toString());
        assertThat(control.start().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(marker).exists();
        Files.delete(marker);

        LocalScriptPolicy allowListed = new LocalScriptPolicy(true, List.of("bash"), List.of(Fixtures.sha256(harmless)), List.of());
        assertThat(executor(allowListed).execute(spec("bash", harmless)).output()).isEqualTo("harmless\n");
        for (String hook : List.of("BASH_ENV", "ENV", "SHELLOPTS", "PS4")) {
            CheckExecution e = executor(allowListed).execute(spec(UUID.randomUUID(), "bash", harmless, List.of(),
                    Map.of(hook, hook.equals("SHELLOPTS") ? "xtrace" : evil.toString()), 60, 10));
            assertThat(e.status()).as(hook).isEqualTo("unknown");
            assertThat(e.output()).as(hook).contains(hook).doesNotContain("harmless");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void theScriptsEnvironmentNeverHoldsAForbiddenVariable() {
        Map<String, String> hostile = Map.of("PATH", "/tmp/evil", "HOME", "/root", "PYTHONSTARTUP", "/tmp/x.py",
                "BASH_FUNC_ls%%", "() { id; }", "LANG", "de_DE.UTF-8", "LIMIT", "90");
        CheckSpec spec = new CheckSpec(UUID.randomUUID(), "c", "sh", "true", Fixtures.sha256("true"), List.of(), hostile,
                60, 10, Map.of());
        Map<String, String> env = ScriptExecutor.environment(spec, Path.of("/work/c"));
        assertThat(env).containsOnly(Map.entry("PATH", ScriptExecutor.PATH), Map.entry("HOME", "/work/c"),
                Map.entry("LANG", "de_DE.UTF-8"), Map.entry("LIMIT", "90"));
        assertThat(ScriptExecutor.refusedEnvNames(hostile)).containsExactly("BASH_FUNC_ls%%", "HOME", "PATH", "PYTHONSTARTUP");
    }

    @Test
    void aFloodOfForbiddenNamesGivesAShortReport() throws Exception {
        Map<String, String> flood = new java.util.HashMap<>();
        for (int i = 0; i < 500; i++) {
            flood.put("LD_" + "X".repeat(120) + i, "v");
        }
        CheckExecution e = executor(ScriptExecutorBuilder.PERMISSIVE).execute(spec(UUID.randomUUID(), "sh", "echo ran", List.of(),
                flood, 60, 10));
        assertThat(e.refusal()).isEqualTo("forbidden_env");
        assertThat(e.output()).contains("and 490 more").hasSizeLessThan(2048);
    }
}
