package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.groupMembers;
import static io.aami.agent.checks.Fixtures.readPid;
import static io.aami.agent.checks.Fixtures.running;
import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.policy.CheckSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real scripts in real child processes, through the real sandbox (as 'nobody' when the tests run as root). */
class ScriptExecutorTest {
    private static final Instant NOW = Instant.parse("2030-05-01T12:00:00Z");

    @TempDir
    Path stateDir;
    private ScriptExecutor executor;

    @BeforeEach
    void setUp() {
        executor = ScriptExecutorBuilder.in(stateDir).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    private Path workDir(CheckSpec spec) {
        return stateDir.resolve("work").resolve(spec.checkId().toString());
    }

    @Test
    void exitCodesMapToStatusesByTheNagiosConvention() throws Exception {
        Map<Integer, String> expected = Map.of(0, "ok", 1, "warning", 2, "critical", 3, "unknown", 137, "unknown");
        for (var entry : expected.entrySet()) {
            CheckExecution e = executor.execute(spec("sh", "echo code " + entry.getKey() + "; exit " + entry.getKey()));
            assertThat(e.status()).as("exit %d", entry.getKey()).isEqualTo(entry.getValue());
            assertThat(e.exitCode()).isEqualTo(entry.getKey());
            assertThat(e.output()).isEqualTo("code " + entry.getKey() + "\n");
            assertThat(e.timedOut()).isFalse();
            assertThat(e.truncated()).isFalse();
            assertThat(e.executedAt()).isEqualTo(NOW);
        }
    }

    @Test
    void quickScriptsNeverLoseTheirOutput() throws Exception {
        // Regression: killing the exited script's group once closed the pipe before the reader had drained it.
        for (int i = 0; i < 30; i++) {
            assertThat(executor.execute(spec("sh", "echo run " + i + "; exit 2")).output()).isEqualTo("run " + i + "\n");
        }
    }

    @Test
    void deathBySignalIsUnknown() throws Exception {
        CheckExecution e = executor.execute(spec("sh", "kill -KILL $$"));
        assertThat(e.status()).isEqualTo("unknown");
        assertThat(e.exitCode()).isEqualTo(137);
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        CheckSpec spec = spec(UUID.randomUUID(), "sh",
                "echo $$ > leader.pid; sleep 300 & echo $! > bg.pid; echo started; sleep 300", List.of(), Map.of(), 60, 1);
        CheckExecution e = executor.execute(spec);

        assertThat(e.timedOut()).isTrue();
        assertThat(e.status()).isEqualTo("unknown");
        assertThat(e.exitCode()).isNull();
        assertThat(e.output()).isEqualTo("started\n");
        assertThat(e.durationMs()).isGreaterThanOrEqualTo(1000);
        assertThat(running(readPid(workDir(spec).resolve("bg.pid")))).isFalse();
        assertThat(groupMembers(readPid(workDir(spec).resolve("leader.pid")), false)).isEmpty();
    }

    @Test
    void backgroundChildrenLeftByANormalExitAreKilledAndDoNotHoldTheRunOpen() throws Exception {
        CheckSpec spec = spec("sh", "sleep 300 & echo $! > bg.pid; echo done");
        CheckExecution e = executor.execute(spec);

        assertThat(e.status()).isEqualTo("ok");
        assertThat(e.timedOut()).isFalse();
        assertThat(e.output()).isEqualTo("done\n");
        assertThat(running(readPid(workDir(spec).resolve("bg.pid")))).isFalse();
    }

    @Test
    void aChildThatMovedToAProcessGroupOfItsOwnIsKilledThroughTheSession() throws Exception {
        CheckSpec spec = spec("bash", "set -m; sleep 300 & echo $! > bg.pid; ps -o pgid= -p $! > bg.pgid; echo $$");
        CheckExecution e = executor.execute(spec);

        long bgPid = readPid(workDir(spec).resolve("bg.pid"));
        assertThat(readPid(workDir(spec).resolve("bg.pgid"))).as("job control moved it").isEqualTo(bgPid);
        assertThat(e.status()).isEqualTo("ok");
        assertThat(running(bgPid)).isFalse();
    }

    @Test
    void a100MegabyteWriterIsCappedDrainedAndKeepsItsExitCode() throws Exception {
        CheckExecution e = executor.execute(spec("sh", "head -c 100000000 /dev/zero | tr '\\0' x; exit 2"));

        assertThat(e.status()).isEqualTo("critical");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.truncated()).isTrue();
        assertThat(e.timedOut()).isFalse();
        assertThat(e.output()).hasSize(4096).matches("x+");
    }

    @Test
    void stdoutAndStderrAreMerged() throws Exception {
        CheckExecution e = executor.execute(spec("sh", "echo out; echo err >&2; echo out2"));
        assertThat(e.output()).contains("out\n", "err\n", "out2\n");
    }

    @Test
    void theEnvironmentIsCleanPlusTheChecksOwn() throws Exception {
        String jvmVariable = System.getenv().keySet().stream()
                .filter(k -> !Set.of("PATH", "LANG", "HOME", "PWD", "SHLVL", "_", "OLDPWD").contains(k))
                .findFirst().orElseThrow(() -> new AssertionError("the test JVM has no environment to leak"));
        CheckSpec spec = spec(UUID.randomUUID(), "sh", "env; echo cwd=$(pwd)", List.of(),
                Map.of("FOO", "bar baz"), 60, 10);

        CheckExecution e = executor.execute(spec);

        Path work = workDir(spec).toAbsolutePath();
        assertThat(e.output()).contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
                "LANG=C.UTF-8\n", "HOME=" + work + "\n", "FOO=bar baz\n", "cwd=" + work + "\n");
        assertThat(e.output()).doesNotContain(jvmVariable + "=").doesNotContain("HOME=" + System.getenv("HOME") + "\n");
    }

    @Test
    void argumentsArePassedVerbatimAndStdinIsClosed() throws Exception {
        CheckSpec spec = spec(UUID.randomUUID(), "sh", "printf '%s|' \"$@\"; cat; read line; echo \"read=$?\"",
                List.of("a b", "--c", "$HOME", ""), Map.of(), 60, 5);

        CheckExecution e = executor.execute(spec);

        assertThat(e.timedOut()).isFalse();
        assertThat(e.output()).isEqualTo("a b|--c|$HOME||read=1\n");
    }

    @Test
    void aScriptWhoseHashDoesNotMatchIsNotRun() throws Exception {
        CheckSpec honest = spec("sh", "touch ran; exit 0");
        CheckSpec tampered = new CheckSpec(honest.checkId(), "test", "sh", "touch ran; exit 0 ",
                honest.scriptSha256(), List.of(), Map.of(), 60, 10, Map.of());

        CheckExecution e = executor.execute(tampered);

        assertThat(e.status()).isEqualTo("unknown");
        assertThat(e.exitCode()).isNull();
        assertThat(e.output()).contains("SHA-256", honest.scriptSha256(), "not run");
        assertThat(workDir(tampered).resolve("ran")).doesNotExist();
        try (var scripts = Files.list(stateDir.resolve("scripts"))) {
            assertThat(scripts).isEmpty();
        }
    }

    @Test
    void anUnsupportedOrMissingInterpreterIsAnUnknownResult() throws Exception {
        CheckExecution perl = executor.execute(spec("perl", "print 1"));
        assertThat(perl.status()).isEqualTo("unknown");
        assertThat(perl.output()).contains("unsupported interpreter 'perl'", "sh, bash, python3");

        Path emptyDir = Files.createDirectory(stateDir.resolve("no-interpreters"));
        ScriptExecutor withoutPython = ScriptExecutorBuilder.in(stateDir).interpreterDirs(List.of(emptyDir)).build();
        CheckExecution python = withoutPython.execute(spec("python3", "print(1)"));
        assertThat(python.status()).isEqualTo("unknown");
        assertThat(python.exitCode()).isNull();
        assertThat(python.output()).contains("interpreter 'python3' is not installed");
    }

    @Test
    void bashAndPythonScriptsRunUnderTheirInterpreters() throws Exception {
        CheckExecution bash = executor.execute(spec("bash", "a=(x y z); echo ${#a[@]} $BASH_VERSION"));
        assertThat(bash.status()).isEqualTo("ok");
        assertThat(bash.output()).startsWith("3 ");

        assumeTrue(SystemTools.find("python3", SystemTools.SYSTEM_DIRS) != null, "python3 is not installed");
        CheckSpec py = spec(UUID.randomUUID(), "python3", "import sys\nprint('py', sys.argv[1])\nsys.exit(1)\n",
                List.of("arg"), Map.of(), 60, 10);
        CheckExecution python = executor.execute(py);
        assertThat(python.status()).isEqualTo("warning");
        assertThat(python.output()).isEqualTo("py arg\n");
        assertThat(stateDir.resolve("scripts").resolve(py.scriptSha256() + ".py")).hasContent(py.script());
    }
}
