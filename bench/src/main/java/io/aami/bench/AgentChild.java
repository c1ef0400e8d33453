package io.aami.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real agent as a child process, started through the shipped launcher (its JVM flags, as an installed
 * agent runs; the launcher execs the JVM, so the child's pid is the agent's), enrolled with a bootstrap token
 * into a plain-HTTP server, its local API off and its log in its directory. As root the agent runs
 * scripts as {@code nobody} and refuses a checks work dir below a world-writable directory such as
 * /tmp, so its directory is then made under /var/lib (root's, 0755).
 */
final class AgentChild implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private AgentChild(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    static AgentChild start(Path jar, URI server, String token, String containment, List<String> javaOptions,
                            java.time.Duration flushInterval, String runHelper) throws IOException {
        Path dir = "root".equals(System.getProperty("user.name"))
                ? Files.createTempDirectory(Path.of("/var/lib"), "aami-bench-agent-") : Files.createTempDirectory("aami-bench-agent-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = LaunchedAgent.shippedLauncher(dir);
        ProcessBuilder b = new ProcessBuilder(List.of("/bin/sh", launcher.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile());
        Map<String, String> env = b.environment();
        env.keySet().removeIf(name -> name.startsWith("AAMI_") || name.equals("JAVA_OPTS") || name.equals("MALLOC_ARENA_MAX"));
        // The launcher's JVM flags, as an installed agent runs; --java-option comes after them, so it wins.
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("AAMI_JAR", jar.toAbsolutePath().toString());
        env.put("AAMI_DEFAULTS_FILE", Files.writeString(dir.resolve("aami-agent.default"), "").toString());
        if (!javaOptions.isEmpty()) {
            env.put("JAVA_OPTS", String.join(" ", javaOptions));
        }
        env.put("AAMI_SERVER_ADDRESS", server.getHost() + ":" + server.getPort());
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        env.put("AAMI_SERVER_BOOTSTRAP_TOKEN", token);
        env.put("AAMI_SERVER_RETRY_MAX_INTERVAL", "2s");
        env.put("AAMI_AGENT_ID_FILE", dir.resolve("agent-id").toString());
        env.put("AAMI_AGENT_STATE_DIR", dir.resolve("state").toString());
        env.put("AAMI_API_LISTEN", "off");
        env.put("AAMI_CHECKS_RUN_AS", "nobody");
        env.put("AAMI_CHECKS_CONTAINMENT", containment);
        env.put("AAMI_CHECKS_RUN_HELPER", runHelper);
        env.put("AAMI_CHECKS_FLUSH_INTERVAL", flushInterval.toMillis() + "ms");
        env.put("AAMI_POLICY_WAIT", "5s");
        env.put("AAMI_LOGGING_FORMAT", "text");
        return new AgentChild(dir, b.start());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last lines of the agent's log, to show why a run could not be made. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve("agent.log"), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no agent log: " + e.getMessage() + ")";
        }
    }

    /** The agent's log lines holding any of {@code texts}. */
    List<String> logLines(String... texts) {
        try {
            return Files.readAllLines(dir.resolve("agent.log"), StandardCharsets.UTF_8).stream()
                    .filter(line -> java.util.Arrays.stream(texts).anyMatch(line::contains)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        ChildProcess.stop(process);
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a directory left behind is harmless
        }
    }
}
