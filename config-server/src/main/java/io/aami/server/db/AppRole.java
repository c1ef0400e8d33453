package io.aami.server.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the server its own role on the embedded cluster, run as the superuser at every start (all
 * idempotent): role {@code aami} may log in and nothing more (no superuser, CREATEDB, CREATEROLE,
 * replication, no membership in any role, so no {@code pg_read_server_files},
 * {@code pg_write_server_files} or {@code pg_execute_server_program}); it owns database
 * {@code aami} and everything in its {@code public} schema, so Flyway can migrate. A cluster from
 * an older version kept the data in database {@code postgres}, owned by the superuser: that
 * database is renamed to {@code aami} (a fresh {@code postgres} is created for maintenance) and its
 * objects handed over.
 */
final class AppRole {
    private static final Logger LOG = LoggerFactory.getLogger(AppRole.class);
    private static final String ROLE = EmbeddedClusterSecrets.APP_ROLE;
    private static final String DB = EmbeddedClusterSecrets.APP_DATABASE;

    private static final String ROLE_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = ?";
    private static final String DB_EXISTS = "SELECT 1 FROM pg_database WHERE datname = ?";
    private static final String MEMBERSHIPS = "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            + "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ?";
    private static final String HAS_OLD_SCHEMA = "SELECT to_regclass('public.flyway_schema_history') IS NOT NULL";
    /** Tables first: their owned sequences and indexes follow them; free sequences after. */
    private static final String HAND_OVER = """
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                         AND c.relowner <> 'aami'::regrole LOOP
                EXECUTE format('ALTER TABLE public.%I OWNER TO aami', r.relname);
              END LOOP;
              FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> 'aami'::regrole LOOP
                EXECUTE format('ALTER SEQUENCE public.%I OWNER TO aami', r.relname);
              END LOOP;
            END $$""";

    private AppRole() {
    }

    static void provision(int port, EmbeddedClusterSecrets secrets) throws SQLException {
        String password = secrets.superuserPassword();
        try (Connection c = superuser(port, "template1", password)) {
            ensureRole(c, secrets.appPassword());
            ensureDatabase(c, port, password);
        }
        try (Connection c = superuser(port, DB, password); Statement s = c.createStatement()) {
            s.execute("ALTER SCHEMA public OWNER TO " + ROLE);
            s.execute(HAND_OVER);
        }
    }

    static Connection superuser(int port, String database, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", EmbeddedClusterSecrets.SUPERUSER);
        p.setProperty("password", password);
        return DriverManager.getConnection(EmbeddedPostgresServer.url(port, database), p);
    }

    private static void ensureRole(Connection c, String password) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!exists(c, ROLE_EXISTS, ROLE)) {
                s.execute("CREATE ROLE " + ROLE);
            }
            s.execute("ALTER ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT");
            for (String granted : memberships(c)) {
                s.execute("REVOKE \"" + granted.replace("\"", "\"\"") + "\" FROM " + ROLE);
            }
        }
        // The driver hashes the password (SCRAM) itself, so the clear text never reaches the server or its log.
        c.unwrap(PGConnection.class).alterUserPassword(ROLE, password.toCharArray(), "scram-sha-256");
    }

    private static void ensureDatabase(Connection c, int port, String password) throws SQLException {
        if (exists(c, DB_EXISTS, DB)) {
            return;
        }
        boolean older;
        try (Connection old = superuser(port, "postgres", password); Statement s = old.createStatement(); ResultSet rs = s.executeQuery(HAS_OLD_SCHEMA)) {
            older = rs.next() && rs.getBoolean(1);
        }
        try (Statement s = c.createStatement()) {
            if (older) {
                LOG.warn("moving the data of an older install from database postgres to database {} owned by role {}", DB, ROLE);
                s.execute("ALTER DATABASE postgres RENAME TO " + DB);
                s.execute("CREATE DATABASE postgres TEMPLATE template0");
                s.execute("ALTER DATABASE " + DB + " OWNER TO " + ROLE);
            } else {
                s.execute("CREATE DATABASE " + DB + " OWNER " + ROLE + " TEMPLATE template0");
            }
        }
    }

    private static List<String> memberships(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MEMBERSHIPS)) {
            ps.setString(1, ROLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
