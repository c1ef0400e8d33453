package io.aami.console;

import io.aami.server.testing.Api;
import io.aami.server.testing.Eventually;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real agent ({@code agent/target/aami-agent.jar}, built before this module) as a child process, enrolled with a
 * bootstrap token of its own over plain HTTP; its state and log in one directory. {@link #close} kills it if still up.
 */
public final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private AgentProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Starts an agent for {@code server} with its state in {@code dir} (a fresh directory, e.g. a @TempDir). */
    public static AgentProcess start(TestServer server, Path dir) {
        Api.Reply token = server.api().post("/api/v1/bootstrap-tokens", Map.of("name", "browser-" + UUID.randomUUID(), "max_uses", 1),
                TestServer.ADMIN);
        if (token.status() != 201) {
            throw new IllegalStateException("no bootstrap token: " + token);
        }
        try {
            Path config = writeConfig(dir, server.port(), token.json().get("token").asText());
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", agentJar().toString(), "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
            return new AgentProcess(pb.start(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The agent's id, once it has enrolled (waits for its id file). */
    public UUID id() throws InterruptedException {
        Path idFile = dir.resolve("agent-id");
        Eventually.eventually(Duration.ofSeconds(60), "the agent enrolled (its id file)", () -> Files.exists(idFile), this::log);
        try {
            return UUID.fromString(Files.readString(idFile).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as systemd stops it; waits for the exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the agent did not exit within 15 s of SIGTERM; log:\n" + log());
        }
    }

    public String log() {
        try {
            Path log = dir.resolve("agent.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(no agent log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("aami.agent.jar", "../agent/target/aami-agent.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is not built; build the agent module first (mvn install -pl agent -am)");
        }
        return jar;
    }

    private static Path writeConfig(Path dir, int port, String token) throws IOException {
        // As /var/lib is: check scripts run as nobody and must enter it on the way to their files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        return Files.writeString(dir.resolve("agent.yaml"), """
                server:
                  address: "127.0.0.1:%d"
                  bootstrap_token: "%s"
                  tls:
                    enabled: false
                agent:
                  id_file: "%s"
                  state_dir: "%s"
                checks:
                  run_as: nobody
                api:
                  listen: "off"
                logging:
                  format: text
                """.formatted(port, token, dir.resolve("agent-id"), dir.resolve("state")));
    }
}
