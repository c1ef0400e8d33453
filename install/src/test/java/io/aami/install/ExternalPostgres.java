package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL cluster of the machine's own installation (Debian's {@code postgresql-15}), as an
 * operator's external database: its own server process on a loopback port, password (SCRAM) logins
 * only, superuser {@code postgres}. Run as the {@code postgres} user when the test is root, since
 * PostgreSQL refuses to run as root. Its client tools ({@code psql}, {@code pg_dump}, {@code
 * pg_restore}) are the ones the README's backup commands use.
 */
final class ExternalPostgres implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path cluster;
    private final int port;
    private final String superuserPassword;

    private ExternalPostgres(Path cluster, int port, String superuserPassword) {
        this.cluster = cluster;
        this.port = port;
        this.superuserPassword = superuserPassword;
    }

    /** Skips the test when PostgreSQL 15 is not installed, unless AAMI_REQUIRE_TOOLS is set (CI installs it). */
    static void assumeInstalled() {
        boolean present = Files.isExecutable(BIN.resolve("pg_ctl")) && Files.isExecutable(BIN.resolve("pg_dump"));
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as(BIN + " (Debian package postgresql-15; AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, "PostgreSQL 15 not installed (Debian package postgresql-15)");
    }

    /** Creates and starts a cluster in {@code dir} (which must be enterable by others, 0711). */
    static ExternalPostgres start(Path dir, String superuserPassword) throws Exception {
        Path cluster = dir.resolve("pgcluster");
        Path pwFile = dir.resolve("pg-superuser-password");
        Files.writeString(pwFile, superuserPassword + "\n");
        int port = Waits.freePort();
        if (root()) {
            Files.createDirectories(cluster);
            Processes.run(List.of("chown", "postgres:postgres", cluster.toString(), pwFile.toString()), Map.of(), dir);
        }
        asServerUser(dir, BIN.resolve("initdb").toString(), "-D", cluster.toString(), "-U", "postgres",
                "--auth=scram-sha-256", "--pwfile=" + pwFile, "--encoding=UTF8", "--locale=C");
        asServerUser(dir, BIN.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-w", "-t", "60", "-l",
                cluster.resolve("server.log").toString(), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", "start");
        return new ExternalPostgres(cluster, port, superuserPassword);
    }

    int port() {
        return port;
    }

    /** The environment the README's client commands run with: PGHOST, PGPORT and the superuser's password. */
    Map<String, String> clientEnv() {
        return Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(port), "PG_SUPERUSER_PASSWORD", superuserPassword,
                "PATH", BIN + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    @Override
    public void close() throws Exception {
        asServerUser(cluster.getParent(), BIN.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-m", "fast", "-w", "stop");
    }

    private static void asServerUser(Path dir, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        Processes.run(cmd, Map.of(), dir);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A directory other users may enter but not list, as /var/lib is to them. */
    static void openForOthers(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
}
