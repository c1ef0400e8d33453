package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.sha256;
import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.policy.ExecutionDigest;
import io.aami.contract.policy.CheckSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local allow-list covers everything that shapes a run (interpreter, script, args, env), and
 * {@code checks.remote_scripts: false} runs exactly the allow-listed checks: the real executor, real
 * child processes (as 'nobody' when the tests run as root), markers the run-as user could write.
 */
class ExecutionAllowListTest {
    /** Harmless as allow-listed (no args: runs {@code true}); hostile args make it run anything. */
    static final String RUNS_ITS_ARGS = "\"${1:-true}\" \"${2:-}\"\n";
    /** Harmless as allow-listed (no env); a hostile variable that no rule forbids makes it run anything. */
    static final String EVALS_ITS_ENV = "eval \"${CHECK_CMD:-true}\"\necho done\n";

    @TempDir
    Path dir;
    Path marker;

    @BeforeEach
    void markerTheRunAsUserCouldWrite() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path markers = Files.createDirectory(dir.resolve("markers"));
        Files.setPosixFilePermissions(markers, PosixFilePermissions.fromString("rwxrwxrwx"));
        marker = markers.resolve("attacked");
    }

    CheckExecution run(LocalScriptPolicy policy, CheckSpec spec) throws Exception {
        return ScriptExecutorBuilder.in(dir.resolve("state")).localPolicy(policy).build().execute(spec);
    }

    static CheckSpec check(String script, List<String> args, Map<String, String> env) {
        return spec(UUID.randomUUID(), "sh", script, args, env, 60, 10);
    }

    static LocalScriptPolicy scripts(boolean remote, String... scripts) {
        return new LocalScriptPolicy(remote, List.of("sh"), List.of(scripts).stream().map(Fixtures::sha256).toList(), List.of());
    }

    static LocalScriptPolicy executions(boolean remote, CheckSpec... specs) {
        return new LocalScriptPolicy(remote, List.of("sh"), List.of(),
                List.of(specs).stream().map(s -> ExecutionDigest.of(s).toUpperCase()).toList());
    }

    @Test
    void anAllowListedScriptWithHostileArgsDoesNotRun() throws Exception {
        assertThat(run(scripts(true, RUNS_ITS_ARGS), check(RUNS_ITS_ARGS, List.of(), Map.of())).status()).isEqualTo("ok");
        CheckSpec hostile = check(RUNS_ITS_ARGS, List.of("touch", marker.toString()), Map.of());

        CheckExecution e = run(scripts(true, RUNS_ITS_ARGS), hostile);

        assertThat(e.status()).isEqualTo("unknown");
        assertThat(e.refusal()).isEqualTo("local_policy");
        assertThat(e.output()).contains(ExecutionDigest.of(hostile)).contains("checks.allowed_execution_sha256")
                .contains("only without args and env");
        assertThat(marker).doesNotExist();
        // The same run, allow-listed by its execution digest, does run: the refusal above is the list's doing.
        assertThat(run(executions(true, hostile), hostile).status()).isEqualTo("ok");
        assertThat(marker).exists();
    }

    @Test
    void anAllowListedScriptWithAHostileVariableDoesNotRun() throws Exception {
        CheckSpec hostile = check(EVALS_ITS_ENV, List.of(), Map.of("CHECK_CMD", "touch " + marker));
        for (LocalScriptPolicy policy : List.of(scripts(true, EVALS_ITS_ENV), scripts(false, EVALS_ITS_ENV),
                executions(true, check(EVALS_ITS_ENV, List.of(), Map.of("CHECK_CMD", "true"))))) {
            CheckExecution e = run(policy, hostile);
            assertThat(e.status()).isEqualTo("unknown");
            assertThat(e.output()).contains("execution SHA-256 " + ExecutionDigest.of(hostile)).doesNotContain("done");
        }
        assertThat(marker).doesNotExist();
        assertThat(run(executions(true, hostile), hostile).output()).isEqualTo("done\n");
        assertThat(marker).exists();
    }

    @Test
    void theExecutionDigestPinsInterpreterScriptArgsAndEveryVariable() throws Exception {
        CheckSpec listed = check("echo \"$1 $LIMIT\"", List.of("disk"), Map.of("LIMIT", "90"));
        LocalScriptPolicy policy = executions(true, listed);
        CheckExecution ran = run(policy, listed);
        assertThat(ran.output()).isEqualTo("disk 90\n");
        assertThat(ran.refusal()).isNull();
        for (CheckSpec changed : List.of(check("echo \"$1 $LIMIT\"", List.of("disk"), Map.of("LIMIT", "91")),
                check("echo \"$1 $LIMIT\"", List.of("disk"), Map.of("LIMIT", "90", "EXTRA", "1")),
                check("echo \"$1 $LIMIT\"", List.of("disk", "more"), Map.of("LIMIT", "90")),
                check("echo \"$1 $LIMIT\"", List.of(), Map.of("LIMIT", "90")),
                check("echo \"$1 $LIMIT\" ", List.of("disk"), Map.of("LIMIT", "90")),
                new CheckSpec(UUID.randomUUID(), "c", "bash", listed.script(), listed.scriptSha256(), listed.args(),
                        listed.env(), 60, 10, Map.of()))) {
            LocalScriptPolicy withBash = new LocalScriptPolicy(true, List.of("sh", "bash"), List.of(),
                    policy.allowedExecutionSha256());
            CheckExecution e = run(withBash, changed);
            assertThat(e.status()).as(changed.toString()).isEqualTo("unknown");
            assertThat(e.output()).contains(ExecutionDigest.of(changed));
        }
    }

    @Test
    void remoteScriptsOffRunsExactlyTheAllowListedChecks() throws Exception {
        String plain = "echo plain\n";
        CheckSpec pinned = check("echo \"pinned $1\"", List.of("x"), Map.of());
        LocalScriptPolicy off = new LocalScriptPolicy(false, List.of("sh"), List.of(sha256(plain)),
                List.of(ExecutionDigest.of(pinned)));

        assertThat(run(off, check(plain, List.of(), Map.of())).output()).isEqualTo("plain\n");
        assertThat(run(off, pinned).output()).isEqualTo("pinned x\n");
        CheckExecution other = run(off, check("touch " + marker, List.of(), Map.of()));
        assertThat(other.status()).isEqualTo("unknown");
        assertThat(other.output()).contains("checks.remote_scripts: false");
        assertThat(marker).doesNotExist();

        CheckExecution nothingListed = run(new LocalScriptPolicy(false, List.of("sh"), List.of(), List.of()),
                check(plain, List.of(), Map.of()));
        assertThat(nothingListed.status()).isEqualTo("unknown");
        assertThat(nothingListed.output()).contains("remote_scripts").doesNotContain("plain\n");
    }

    @Test
    void anAllowListedExecutionStillNeedsAnAllowedInterpreter() throws Exception {
        CheckSpec listed = check("echo hi", List.of(), Map.of());
        LocalScriptPolicy noSh = new LocalScriptPolicy(false, List.of("bash"), List.of(), List.of(ExecutionDigest.of(listed)));
        assertThat(run(noSh, listed).output()).contains("checks.allowed_interpreters");
    }
}
