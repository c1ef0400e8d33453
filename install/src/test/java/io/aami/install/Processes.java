package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Short-lived commands (shell snippets, database tools) that must succeed; output kept for the failure message. */
final class Processes {
    private Processes() {
    }

    /** Runs {@code command} in {@code dir} with {@code env} added; fails unless it exits 0 within 2 minutes. */
    static String run(List<String> command, Map<String, String> env, Path dir) throws Exception {
        Path out = Files.createTempFile(dir, "cmd-", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_") || k.startsWith("PG"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 2 minutes: " + Files.readString(out));
        }
        String output = Files.readString(out);
        assertThat(p.exitValue()).as(command + " said: " + output).isZero();
        return output;
    }

    /** Runs a shell snippet as {@code bash -euo pipefail}, so that its first failing line fails the test. */
    static String bash(String script, Map<String, String> env, Path dir) throws Exception {
        return run(List.of("bash", "-euo", "pipefail", "-c", script), env, dir);
    }
}
