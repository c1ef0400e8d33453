package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.policy.CheckSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's allow-list vetoes signed scripts: real executor, real child processes. */
class LocalScriptPolicyTest {
    @TempDir
    Path dir;

    CheckExecution run(LocalScriptPolicy policy, String interpreter, String script) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path marker = dir.resolve("ran");
        ScriptExecutor executor = ScriptExecutorBuilder.in(dir.resolve("state")).localPolicy(policy).build();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
        return executor.execute(new CheckSpec(UUID.randomUUID(), "c", interpreter, script, sha, List.of(), Map.of(), 10, 5, Map.of()));
    }

    static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void scriptsOutsideTheListDoNotRun() throws Exception {
        CheckExecution bash = run(new LocalScriptPolicy(true, List.of("sh"), List.of(), List.of()), "bash", "echo ran; exit 0");
        assertThat(bash.status()).isEqualTo("unknown");
        assertThat(bash.exitCode()).isNull();
        assertThat(bash.output()).contains("not allowed on this host").doesNotContain("ran\n");

        CheckExecution off = run(new LocalScriptPolicy(false, List.of("sh"), List.of(), List.of()), "sh", "echo ran");
        assertThat(off.output()).contains("remote_scripts");

        String allowed = "echo allowed; exit 1";
        CheckExecution listed = run(new LocalScriptPolicy(true, List.of("sh"), List.of(sha(allowed).toUpperCase()), List.of()), "sh", allowed);
        assertThat(listed.status()).isEqualTo("warning");
        assertThat(listed.output()).isEqualTo("allowed\n");
        CheckExecution unlisted = run(new LocalScriptPolicy(true, List.of("sh"), List.of(sha(allowed)), List.of()), "sh", "echo other");
        assertThat(unlisted.status()).isEqualTo("unknown");
        assertThat(unlisted.output()).contains("allowed_script_sha256");
    }
}
