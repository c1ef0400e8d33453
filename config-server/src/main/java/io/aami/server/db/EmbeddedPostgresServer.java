package io.aami.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A real PostgreSQL (zonky's packaged binaries, unpacked under the data dir) for single-node installs
 * and the quick start. Its cluster lives in {@code <data dir>/postgres} and survives restarts. It is
 * private (loopback TCP only, SCRAM passwords only, the server connects as the non-superuser role
 * {@code aami}; see {@link EmbeddedClusterSecrets}), durable ({@code fsync}, {@code synchronous_commit},
 * {@code full_page_writes} on) and owned by the server: a postmaster left over from an earlier run is
 * stopped first ({@link StalePostmaster}) and one that dies is restarted on the same port
 * ({@link PostmasterSupervisor}).
 */
public final class EmbeddedPostgresServer implements DatabaseLife, AutoCloseable {
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final Path clusterDir;
    private final Postmaster postmaster;
    private final StalePostmaster stale;
    private final EmbeddedClusterSecrets secrets;
    private final int port;
    private PostmasterSupervisor supervisor;

    private EmbeddedPostgresServer(Path clusterDir, Postmaster postmaster, EmbeddedClusterSecrets secrets, int port) {
        this.clusterDir = clusterDir;
        this.postmaster = postmaster;
        this.stale = new StalePostmaster(clusterDir, Duration.ofSeconds(30));
        this.secrets = secrets;
        this.port = port;
    }

    public static EmbeddedPostgresServer start(Path clusterDir) {
        Path cluster = clusterDir.toAbsolutePath().normalize();
        Path dataDir = cluster.getParent();
        try {
            java.nio.file.Files.createDirectories(dataDir);
            EmbeddedClusterSecrets secrets = EmbeddedClusterSecrets.loadOrCreate(dataDir.resolve("postgres-secrets"), new SecureRandom());
            Postmaster postmaster = new Postmaster(PostgresBinaries.install(dataDir.resolve("postgres-binaries")), cluster);
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(cluster, postmaster, secrets, freePort());
            Process running = server.bringUp();
            server.supervisor = new PostmasterSupervisor(server::bringUp, running, Clock.systemUTC());
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("embedded PostgreSQL in " + cluster + " did not start: " + e.getMessage(), e);
        }
    }

    /** Clears leftovers, makes the cluster private, starts the postmaster and waits until the app role can log in. */
    private Process bringUp() throws Exception {
        stale.clear("it is left over from an earlier run, and the cluster is being started now");
        new ClusterSetup(postmaster, clusterDir, secrets).prepare();
        Process p = postmaster.start(port);
        try {
            awaitAccepting(p);
            AppRole.provision(port, secrets);
            return p;
        } catch (Exception | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private void awaitAccepting(Process p) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP_WAIT);
        while (true) {
            try (Connection c = AppRole.superuser(port, "postgres", secrets.superuserPassword())) {
                return;
            } catch (SQLException e) {
                if (!p.isAlive()) {
                    throw new SQLException("postgres exited with code " + p.exitValue() + " during startup (see its log lines above)");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    static String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?connectTimeout=5&loginTimeout=10";
    }

    public String jdbcUrl() {
        return url(port, EmbeddedClusterSecrets.APP_DATABASE);
    }

    public String user() {
        return EmbeddedClusterSecrets.APP_ROLE;
    }

    public String password() {
        return secrets.appPassword();
    }

    public int port() {
        return port;
    }

    /** The running postmaster's pid (tests, operators' logs). */
    public long postmasterPid() {
        return supervisor.current().pid();
    }

    @Override
    public String state() {
        return supervisor.state();
    }

    @Override
    public String reason() {
        return supervisor.reason();
    }

    /** Fast shutdown (sessions cut, checkpoint written), escalating if the postmaster does not stop. */
    @Override
    public void close() {
        supervisor.stopWatching();
        try {
            stale.clear("the server is stopping");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
