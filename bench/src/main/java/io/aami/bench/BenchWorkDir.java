package io.aami.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Where one launched agent lives: its config, state, id file and log in the run's directory and, as root,
 * a checks work dir under {@code /var/lib/aami-bench} (the root agent wants that path root's and closed to
 * others all the way up, which {@code /tmp} is not; scripts run as {@code nobody}). Deleted on close.
 */
final class BenchWorkDir implements AutoCloseable {
    private static final Path ROOT_PARENT = Path.of("/var/lib/aami-bench");

    private final Path dir;
    private final Path checksDir;

    private BenchWorkDir(Path dir, Path checksDir) {
        this.dir = dir;
        this.checksDir = checksDir;
    }

    static BenchWorkDir create(Path dir) throws IOException {
        // Check scripts run as nobody must enter the state dir's parent on the way to nothing of theirs.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        if (!"root".equals(System.getProperty("user.name"))) {
            return new BenchWorkDir(dir, null);
        }
        Files.createDirectories(ROOT_PARENT);
        Files.setPosixFilePermissions(ROOT_PARENT, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new BenchWorkDir(dir, Files.createTempDirectory(ROOT_PARENT, "checks."));
    }

    /** The agent's YAML: mutual TLS to {@code server} trusting its CA file, local API on {@code apiPort}. */
    Path agentConfig(URI server, Path caFile, String token, int apiPort) throws IOException {
        Path tokenFile = Files.writeString(dir.resolve("bootstrap-token"), token + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        String checks = checksDir == null ? "" : """
                checks:
                  run_as: nobody
                  work_dir: "%s"
                """.formatted(checksDir);
        return Files.writeString(dir.resolve("agent.yaml"), """
                server:
                  address: "%s:%d"
                  bootstrap_token_file: "%s"
                  tls:
                    ca_cert: "%s"
                agent:
                  id_file: "%s"
                  state_dir: "%s"
                %sapi:
                  listen: "127.0.0.1:%d"
                logging:
                  format: text
                """.formatted(server.getHost(), server.getPort(), tokenFile, caFile, dir.resolve("agent-id"),
                dir.resolve("state"), checks, apiPort));
    }

    /** Waits until the agent wrote its id and its local API answers; its id. */
    UUID awaitAgent(LaunchedAgent agent, URI metrics, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Path idFile = dir.resolve("agent-id");
        while (!(Files.exists(idFile) && NodeExporter.Scraper.scrape(metrics))) {
            if (!agent.alive() || System.nanoTime() > deadline) {
                throw new IOException("the agent did not come up" + (agent.alive() ? " within " + within.toSeconds() + " s"
                        : " (it exited)") + "; its log:\n" + agent.tail(4000));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return UUID.fromString(Files.readString(idFile).trim());
    }

    @Override
    public void close() {
        delete(dir);
        if (checksDir != null) {
            delete(checksDir);
        }
    }

    private static void delete(Path p) {
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
