package io.aami.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 16: a local unprivileged user (a check running as {@code nobody} on the
 * server's host) connected to the embedded PostgreSQL as {@code postgres} without a password, read
 * files with {@code pg_read_file} and ran programs with {@code COPY … TO PROGRAM}. Also: the cluster
 * is durable, and one created by an older version (trust, data owned by {@code postgres}) is made
 * private on its next start with its data intact.
 */
class EmbeddedPostgresPrivacyTest {
    private static Path dataDir;
    private static EmbeddedPostgresServer pg;
    private static Database db;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("aami-pg-private");
        pg = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
        db = Database.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2);
    }

    @AfterAll
    static void stop() {
        db.close();
        pg.close();
    }

    @Test
    void noTrustAndNoPasswordlessLogin() throws Exception {
        String hba = Files.readString(dataDir.resolve("postgres/pg_hba.conf"));
        assertThat(hba).doesNotContain("trust").doesNotContain("peer").contains("scram-sha-256");
        for (String user : List.of("postgres", "aami")) {
            assertThatThrownBy(() -> DriverManager.getConnection(url(), user, null).close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url(), user, "guess").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
        try (Connection c = DriverManager.getConnection(url(), "postgres", superuserPassword()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW unix_socket_directories")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("no unix socket a local user could reach").isEmpty();
        }
    }

    @Test
    void nobodyOnTheHostIsRefusedByPsql() throws Exception {
        for (String user : List.of("postgres", "aami")) {
            Process p = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=65534", "--clear-groups", "--",
                    "psql", "-w", "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", user, "-d", "postgres",
                    "-c", "select pg_read_file('/etc/shadow')").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isNotZero();
            assertThat(out).contains("password").doesNotContain("root:");
        }
    }

    @Test
    void theServersRoleCannotReadFilesRunProgramsOrGrowItsRights() {
        db.withConnection(c -> {
            assertThat(query(c, "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls FROM pg_roles "
                    + "WHERE rolname = current_user")).isEqualTo("f");
            for (String role : List.of("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")) {
                assertThat(query(c, "SELECT pg_has_role(current_user, '" + role + "', 'MEMBER')")).as(role).isEqualTo("f");
            }
            return null;
        });
        for (String attack : List.of("SELECT pg_read_file('/etc/passwd')", "COPY (SELECT 1) TO PROGRAM 'id'",
                "COPY (SELECT 1) TO '/tmp/aami-pg-private-copy'", "ALTER ROLE aami SUPERUSER", "CREATE ROLE intruder",
                "SELECT pg_ls_dir('.')")) {
            assertThatThrownBy(() -> db.withConnection(c -> execute(c, attack))).as(attack).isInstanceOf(DataAccessException.class).hasMessageContaining("ermission denied");
        }
        assertThat(Files.exists(Path.of("/tmp/aami-pg-private-copy"))).isFalse();
    }

    @Test
    void theServersRoleOwnsItsSchemaSoMigrationsRun() {
        assertThat(new Migrations(db, Clock.systemUTC()).migrate(Duration.ofSeconds(30))).isPositive();
        db.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE scratch (id int)");
                s.execute("DROP TABLE scratch");
            }
            return null;
        });
    }

    @Test
    void durableSettingsAreOnThroughTheServersPool() {
        for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
            assertThat(db.<String>withConnection(c -> query(c, "SHOW " + setting))).as(setting).isEqualTo("on");
        }
    }

    @Test
    void secretsAreFilesOnlyTheServersUserReads() throws Exception {
        Path dir = dataDir.resolve("postgres-secrets");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        for (String f : List.of("superuser.password", "app.password")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("postgres-binaries")))).isEqualTo("rwx------");
    }

    @Test
    void aClusterFromAnOlderVersionIsMadePrivateWithItsDataKept() throws Exception {
        Path old = Files.createTempDirectory("aami-pg-old");
        EmbeddedPostgres zonky = EmbeddedPostgres.builder().setDataDirectory(old.resolve("postgres")).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
        try (Database legacy = Database.connect(zonky.getJdbcUrl("postgres", "postgres"), null, null, 2)) {
            new Migrations(legacy, Clock.systemUTC()).migrate(Duration.ofSeconds(30));
            legacy.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE kept (v text)");
                    s.execute("INSERT INTO kept VALUES ('before the upgrade')");
                }
                return null;
            });
        }
        zonky.close();
        EmbeddedPostgresServer upgraded = EmbeddedPostgresServer.start(old.resolve("postgres"));
        try (Database app = Database.connect(upgraded.jdbcUrl(), upgraded.user(), upgraded.password(), 2)) {
            assertThat(Files.readString(old.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + upgraded.port() + "/postgres",
                    "postgres", null).close()).isInstanceOf(SQLException.class);
            assertThat(new Migrations(app, Clock.systemUTC()).migrate(Duration.ofSeconds(30))).isZero();
            app.withConnection(c -> {
                assertThat(query(c, "SELECT v FROM kept")).isEqualTo("before the upgrade");
                assertThat(query(c, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = 'public' AND c.relowner <> 'aami'::regrole")).isEqualTo("0");
                assertThat(query(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("f");
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE kept ADD COLUMN w int");
                    s.execute("INSERT INTO kept VALUES ('after', 1)");
                }
                return null;
            });
        } finally {
            upgraded.close();
        }
    }

    private static String url() {
        return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
    }

    private static String superuserPassword() throws Exception {
        return Files.readString(dataDir.resolve("postgres-secrets/superuser.password")).strip();
    }

    /** execute, not executeQuery: a COPY that succeeded must not pass for a refusal. */
    private static boolean execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.execute(sql);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
