package io.aami.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests, chosen once per JVM: {@code AAMI_TEST_DATABASE_URL} if set, else a
 * Testcontainers PostgreSQL when a Docker engine answers, else zonky's embedded PostgreSQL. Every
 * call to {@link #fresh()} creates a new, empty database on it, so test classes never share state.
 */
public final class TestDatabase {
    /** Connection coordinates of one database. */
    public record Coordinates(String url, String user, String password) {
    }

    private static Server server;

    private TestDatabase() {
    }

    public static synchronized Coordinates fresh() {
        if (server == null) {
            server = startServer();
        }
        String name = "aami_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
        }
        return new Coordinates(server.urlFor(name), server.user(), server.password());
    }

    private record Server(String adminUrl, String user, String password) {
        String urlFor(String database) {
            int q = adminUrl.indexOf('?');
            String base = q < 0 ? adminUrl : adminUrl.substring(0, q);
            String params = q < 0 ? "" : adminUrl.substring(q);
            return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
        }
    }

    private static Server startServer() {
        String url = System.getenv("AAMI_TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return new Server(url, System.getenv("AAMI_TEST_DATABASE_USER"), System.getenv("AAMI_TEST_DATABASE_PASSWORD"));
        }
        if (dockerLikely() && DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:17-alpine");
            pg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            return new Server(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("aami-test-pg"))
                    .setServerConfig("max_connections", "500")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            return new Server(pg.getJdbcUrl("postgres", "postgres"), null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    /** Asking Testcontainers costs seconds when there is plainly no engine; skip it then. */
    private static boolean dockerLikely() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    }
}
