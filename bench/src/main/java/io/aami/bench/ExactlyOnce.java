package io.aami.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Checks in the server's own database that every check result the fleet got a 2xx for is stored
 * exactly once: per agent (target and stream epoch), every seq from 1 to the acknowledged one
 * present, no seq stored twice, none the agent never produced.
 */
final class ExactlyOnce {
    /** Totals over the fleet; {@code lost}, {@code duplicated} and {@code phantom} must all be 0. */
    record Verdict(int agents, long acknowledged, long stored, long lost, long duplicated, long phantom) {
        boolean ok() {
            return lost == 0 && duplicated == 0 && phantom == 0;
        }
    }

    private final String url;
    private final String user;
    private final String password;

    /** @param user and {@code password} null when the URL carries them */
    ExactlyOnce(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    private static final String VERIFY = """
            WITH a AS (SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[]) AS t(target_id, epoch, acked, produced))
            SELECT a.acked,
                   count(DISTINCT r.seq) FILTER (WHERE r.seq BETWEEN 1 AND a.acked) AS present,
                   count(r.seq) AS stored,
                   count(DISTINCT r.seq) AS distinct_stored,
                   count(r.seq) FILTER (WHERE r.seq < 1 OR r.seq > a.produced) AS phantom
              FROM a LEFT JOIN check_results r ON r.target_id = a.target_id AND r.epoch = a.epoch
             GROUP BY a.target_id, a.epoch, a.acked""";

    Connection connect() throws SQLException {
        return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }

    Verdict verify(List<SimAgent.Ledger> ledgers) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement(VERIFY)) {
            ps.setArray(1, c.createArrayOf("uuid", ledgers.stream().map(SimAgent.Ledger::targetId).toArray(UUID[]::new)));
            ps.setArray(2, c.createArrayOf("uuid", ledgers.stream().map(SimAgent.Ledger::epoch).toArray(UUID[]::new)));
            ps.setArray(3, longs(c, ledgers.stream().map(SimAgent.Ledger::acked).toArray(Long[]::new)));
            ps.setArray(4, longs(c, ledgers.stream().map(SimAgent.Ledger::produced).toArray(Long[]::new)));
            long acknowledged = 0;
            long stored = 0;
            long lost = 0;
            long duplicated = 0;
            long phantom = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long acked = rs.getLong(1);
                    acknowledged += acked;
                    lost += acked - rs.getLong(2);
                    stored += rs.getLong(3);
                    duplicated += rs.getLong(3) - rs.getLong(4);
                    phantom += rs.getLong(5);
                }
            }
            return new Verdict(ledgers.size(), acknowledged, stored, lost, duplicated, phantom);
        }
    }

    private static Array longs(Connection c, Long[] values) throws SQLException {
        return c.createArrayOf("bigint", values);
    }
}
