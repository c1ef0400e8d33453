package io.aami.server.metrics;

import io.aami.server.targets.Target;
import io.aami.server.db.JdbcTimes;
import io.aami.server.results.Staleness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the fleet's latest state for the Prometheus export: never history, one unsorted pass per
 * table, plain doubles rather than objects (epoch seconds via date_part, not extract, whose numeric
 * result costs a BigDecimal per cell; staleness computed by PostgreSQL), because a scrape may read
 * a hundred thousand rows. The assigned checks are computed here ({@link CheckAssignment}, per group)
 * rather than through the policy feature's bundles so that a scrape stays three reads, however many
 * targets there are: no join of the assignment to the results in PostgreSQL, which cost twice a plain
 * SELECT of the results at 100,000 series.
 */
final class FleetStore {
    /**
     * {@code lastHeartbeat} and {@code certificateExpiry} are -1 when there is none (never heartbeated; TLS off or
     * enrolled without a certificate); {@code policyRefused} while the last heartbeat reported a {@code policy_error}.
     */
    record AgentRow(String agentId, String hostname, String group, boolean online, double lastHeartbeat, boolean revoked,
                    double certificateExpiry, boolean policyRefused, boolean enrolled) {
    }

    /**
     * {@code status} is -1 and {@code executedAt} -1 while the check has no result yet (then it is stale). The target's
     * hostname and group are its {@link AgentRow}'s, read in the same snapshot: not repeated on each of its checks.
     */
    record CheckRow(String agentId, String check, int status, double durationSeconds, double executedAt, boolean stale) {
        boolean reported() {
            return status >= 0;
        }
    }

    private static final String AGENTS = "SELECT t.id::text, t.hostname, coalesce(g.name, ''), t.status = 'online', "
            + "coalesce(date_part('epoch', t.last_heartbeat_at), -1), t.status = 'revoked', "
            + "coalesce(date_part('epoch', t.certificate_expires_at), -1), t.policy_error IS NOT NULL, "
            + "t.registered_at IS NOT NULL FROM targets t LEFT JOIN groups g ON g.id = t.group_id";

    void agents(Connection c, Consumer<AgentRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AGENTS)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getDouble(5),
                            rs.getBoolean(6), rs.getDouble(7), rs.getBoolean(8), rs.getBoolean(9)));
                }
            }
        }
    }

    /*
     * Every check each target should run, as its policy bundle holds it (CheckAssignment), with its latest result if
     * any, so a check has series from the moment it is assigned. Revoked targets run nothing. Three plain reads instead
     * of one join of the assignment to check_latest: the assignment is worked out per group in memory from the enabled
     * checks (a few hundred rows at most), and check_latest is read in one unsorted pass joined only to the checks (a
     * small hash) for staleness's time rule, with its parameters bound: the result was executed (never later than it
     * arrived) more than N x interval + timeout ago. The rest of the rule (the agent is not online, no result yet) is
     * the target's and the lookup's.
     */
    private static final String DEFINITIONS = "SELECT id::text, name, scope, group_id::text, target_id::text, interval_seconds, "
            + "timeout_seconds FROM checks WHERE enabled";
    private static final String TARGETS = "SELECT id::text, group_id::text, status FROM targets WHERE status <> ?";
    private static final String LATEST = "SELECT l.target_id::text, l.check_id::text, l.status, l.duration_ms::float8 / 1000, "
            + "date_part('epoch', l.executed_at), "
            + "least(l.executed_at, l.received_at) < ?::timestamptz - make_interval(secs => ? * k.interval_seconds + k.timeout_seconds) "
            + "FROM check_latest l JOIN checks k ON k.id = l.check_id WHERE k.enabled";

    /** A check's latest result; {@code late} by staleness's time rule. */
    private record Latest(int status, double durationSeconds, double executedAt, boolean late) {
    }

    private record TargetRow(String id, String groupId, boolean online) {
    }

    void checks(Connection c, Instant now, Consumer<CheckRow> sink) throws SQLException {
        List<CheckAssignment.Check> enabled = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DEFINITIONS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                enabled.add(new CheckAssignment.Check(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getInt(7)));
            }
        }
        CheckAssignment assignment = new CheckAssignment(enabled);
        List<TargetRow> targets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS)) {
            ps.setString(1, Target.REVOKED);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(new TargetRow(rs.getString(1), rs.getString(2), Target.ONLINE.equals(rs.getString(3))));
                }
            }
        }
        Map<String, Map<String, Latest>> latest = latest(c, now);
        for (TargetRow t : targets) {
            Map<String, Latest> results = latest.getOrDefault(t.id(), Map.of());
            for (CheckAssignment.Check k : assignment.of(t.id(), t.groupId())) {
                Latest l = results.get(k.id());
                sink.accept(l == null ? new CheckRow(t.id(), k.name(), -1, 0, -1, true)
                        : new CheckRow(t.id(), k.name(), l.status(), l.durationSeconds(), l.executedAt(), !t.online() || l.late()));
            }
        }
    }

    /** Latest results by target and check, streamed (fetch size) rather than buffered by the driver. */
    private static Map<String, Map<String, Latest>> latest(Connection c, Instant now) throws SQLException {
        Map<String, Map<String, Latest>> latest = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LATEST)) {
            ps.setObject(1, JdbcTimes.utc(now));
            ps.setInt(2, Staleness.MISSED_INTERVALS);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    latest.computeIfAbsent(rs.getString(1), t -> new HashMap<>())
                            .put(rs.getString(2), new Latest(rs.getInt(3), rs.getDouble(4), rs.getDouble(5), rs.getBoolean(6)));
                }
            }
        }
        return latest;
    }
}
