package io.aami.server.db;

import io.aami.common.concurrent.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the cluster's {@code postgres} binary as a child of the server: the postmaster itself, or a
 * single-user backend for the one statement that needs no network at all (the superuser password).
 * Settings come on the command line, where they override {@code postgresql.conf} and
 * {@code ALTER SYSTEM}: durability on (zonky's test defaults turn {@code fsync} and
 * {@code synchronous_commit} off), TCP on loopback only, no unix socket (nothing a local user could
 * reach by file permissions), password hashes in SCRAM.
 */
final class Postmaster {
    private static final Logger LOG = LoggerFactory.getLogger("io.aami.server.db.postgres");
    static final Map<String, String> SETTINGS = Map.of(
            "listen_addresses", "127.0.0.1",
            "unix_socket_directories", "",
            "max_connections", "300",
            "fsync", "on",
            "synchronous_commit", "on",
            "full_page_writes", "on",
            "password_encryption", "scram-sha-256");

    private final Path home;
    private final Path clusterDir;

    Postmaster(Path home, Path clusterDir) {
        this.home = home;
        this.clusterDir = clusterDir;
    }

    /**
     * The command line for one of the binaries. PostgreSQL refuses to run as root; a root server runs
     * it in a fresh user namespace ({@code unshare -U}, as zonky does), where it is an unmapped,
     * capability-less user that still owns the cluster's files.
     */
    List<String> command(String binary, String... args) {
        List<String> cmd = new ArrayList<>();
        if (AS_ROOT) {
            cmd.addAll(List.of("unshare", "-U"));
        }
        cmd.add(home.resolve("bin").resolve(binary).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static final boolean AS_ROOT = "root".equals(System.getProperty("user.name"))
            && io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable();

    /** Starts the postmaster on {@code port}; its output goes to the server log. */
    Process start(int port) throws IOException {
        List<String> cmd = command("postgres", "-D", clusterDir.toString(), "-p", Integer.toString(port));
        SETTINGS.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        pipeToLog(p, "postgres-" + p.pid());
        return p;
    }

    /** Runs {@code statement} in a single-user backend on {@code database}; the statement travels on stdin, never argv. */
    void singleUser(String database, String statement) throws IOException {
        List<String> cmd = command("postgres", "--single", "-D", clusterDir.toString(),
                "-c", "exit_on_error=on", "-c", "log_min_error_statement=panic");
        SETTINGS.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
        cmd.add(database);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write((statement + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int code = p.waitFor();
            if (code != 0 || output.contains("ERROR:") || output.contains("FATAL:")) {
                throw new IOException("single-user postgres failed (exit " + code + "): " + output.replaceAll("PASSWORD '[^']*'", "PASSWORD '…'"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void pipeToLog(Process p, String name) {
        DaemonThreads.thread(name, () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    LOG.info("{}", line);
                }
            } catch (IOException ignored) {
                // the postmaster is gone; its exit is handled by whoever waits on it
            }
        }).start();
    }
}
