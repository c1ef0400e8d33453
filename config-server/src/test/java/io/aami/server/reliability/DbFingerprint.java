package io.aami.server.reliability;

import io.aami.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A cheap fingerprint of everything the server stores: per table its row count and the sum of a hash of each
 * row, in one statement over every table of the schema (partitioned ones through their parent). Two equal
 * fingerprints mean nothing was inserted, updated or deleted in between. Columns written behind by design,
 * whatever the request (a token's or session's last use), are left out.
 */
final class DbFingerprint implements AutoCloseable {
    /** Written behind on use (every 30 s, at most once a minute): not what a request stores. */
    private static final Set<String> VOLATILE = Set.of("user_tokens.last_used_at", "sessions.last_seen_at");
    /**
     * Not what a request stores: the migrations' own, and each target's policy version, a cache of what the
     * operator's definitions make of it that any read of the policy (a result batch checked against it) fills.
     */
    private static final Set<String> SKIPPED_TABLES = Set.of("flyway_schema_history", "target_policies");
    /**
     * Rows that record a refusal by design: an enrollment refused after its token was recognised is written to the
     * token's use log with the error code as its outcome (upper case; uses that enrolled say how, in lower case), so
     * a burst of refusals is visible. Only those rows are left out; a use that enrolled still counts.
     */
    private static final Map<String, String> REFUSALS_LOGGED = Map.of("bootstrap_token_uses", "t.outcome <> upper(t.outcome)");

    private final Connection connection;
    private String query;

    DbFingerprint(TestDatabase.Coordinates db) throws SQLException {
        connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        connection.setAutoCommit(true);
    }

    /** Table name to "rows:hash". The statement is built on first use, after the server migrated the schema. */
    Map<String, String> take() throws SQLException {
        if (query == null) {
            query = build();
        }
        Map<String, String> out = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2) + ":" + rs.getLong(3));
            }
        }
        return out;
    }

    /** The tables whose fingerprint differs, with before → after. */
    static Map<String, String> diff(Map<String, String> before, Map<String, String> after) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String table : after.keySet()) {
            if (!after.get(table).equals(before.get(table))) {
                out.put(table, before.get(table) + " -> " + after.get(table));
            }
        }
        return out;
    }

    private static final String COLUMNS = """
            SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY c.relname, a.attnum""";

    private String build() throws SQLException {
        Map<String, List<String>> columns = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1);
                String column = rs.getString(2);
                if (!SKIPPED_TABLES.contains(table) && !VOLATILE.contains(table + "." + column)) {
                    columns.computeIfAbsent(table, t -> new ArrayList<>()).add("t.\"" + column + "\"");
                }
            }
        }
        List<String> parts = new ArrayList<>();
        columns.forEach((table, cols) -> parts.add("SELECT '" + table + "', count(*), mod(coalesce(sum(hashtextextended(row("
                + String.join(", ", cols) + ")::text, 0)), 0), 9223372036854775807)::bigint FROM \"" + table + "\" t"
                + (REFUSALS_LOGGED.containsKey(table) ? " WHERE " + REFUSALS_LOGGED.get(table) : "")));
        return String.join(" UNION ALL ", parts);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
