package io.aami.server.console.targets;

import io.aami.server.db.Jsonb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL for the console's target list: one query for a page of rows, one for the count of the search, one for the
 * groups. The statement is assembled from the fixed fragments below and the {@link TargetSort}'s own; every value is
 * a parameter. The page is a keyset: past the cursor in (key, id) order, {@code limit} rows, then the failing-check
 * count of those rows only (outside the inner LIMIT, so it is evaluated for the page, not for every match).
 */
final class TargetListStore {
    /** A search: the WHERE fragments and their parameters, in order. */
    record Filter(String where, List<Object> params) {
    }

    private static final String BY_GROUP = " AND t.group_id = ?";
    private static final String BY_STATUS = " AND t.status = ?";
    private static final String BY_ID = " AND t.id = ?";
    private static final String BY_LABEL = " AND (t.labels @> ?::jsonb OR coalesce(t.reported_labels, '{}') @> ?::jsonb)";
    private static final String BY_HOSTNAME = " AND (t.hostname ILIKE ? ESCAPE '\\' OR t.reported_hostname ILIKE ? ESCAPE '\\')";

    static Filter filter(TargetListQuery q) {
        StringBuilder where = new StringBuilder("TRUE");
        List<Object> params = new ArrayList<>();
        if (q.groupId() != null) {
            where.append(BY_GROUP);
            params.add(q.groupId());
        }
        if (q.status() != null) {
            where.append(BY_STATUS);
            params.add(q.status());
        }
        String s = q.q();
        if (s != null) {
            UUID id = uuid(s);
            int eq = s.indexOf('=');
            if (id != null) {
                where.append(BY_ID);
                params.add(id);
            } else if (eq > 0) {
                Map<String, String> label = Map.of(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
                where.append(BY_LABEL);
                params.add(label);
                params.add(label);
            } else {
                String like = "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
                where.append(BY_HOSTNAME);
                params.add(like);
                params.add(like);
            }
        }
        return new Filter(where.toString(), params);
    }

    private static final String PAGE = "SELECT p.*, (SELECT count(*) FROM check_latest l WHERE l.target_id = p.id AND l.status <> 0) "
            + "AS failing FROM (SELECT t.id, t.hostname, t.status, t.group_id, g.name AS group_name, t.last_heartbeat_at, "
            + "t.agent_version, t.policy_version, t.policy_error IS NOT NULL AS refused, %1$s AS k, (%1$s)::text AS sort_key "
            + "FROM targets t LEFT JOIN groups g ON g.id = t.group_id WHERE %2$s%3$s ORDER BY %1$s %4$s, t.id %4$s LIMIT ?) p "
            + "ORDER BY p.k %4$s, p.id %4$s";
    private static final String PAST = " AND (%s, t.id) %s (?::%s, ?)";

    /**
     * Up to {@code limit} rows past {@code from} (null: from the start) in {@code sort} order, ascending or not;
     * {@code backwards} walks the other way from {@code from} (the rows come back in that reversed order).
     */
    List<TargetRow> page(Connection c, Filter f, TargetSort sort, boolean ascending, TargetListQuery.Cursor from, int limit)
            throws SQLException {
        String past = from == null ? "" : PAST.formatted(sort.key(), ascending ? ">" : "<", sort.type());
        String sql = PAGE.formatted(sort.key(), f.where(), past, ascending ? "ASC" : "DESC");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = set(ps, f.params(), 1);
            if (from != null) {
                ps.setString(i++, from.key());
                ps.setObject(i++, from.id());
            }
            ps.setInt(i, limit);
            List<TargetRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp hb = rs.getTimestamp("last_heartbeat_at");
                    out.add(new TargetRow(rs.getObject("id", UUID.class), rs.getString("hostname"), rs.getString("status"),
                            rs.getObject("group_id", UUID.class), rs.getString("group_name"), hb == null ? null : hb.toInstant(),
                            rs.getString("agent_version"), (Long) rs.getObject("policy_version"), rs.getBoolean("refused"),
                            rs.getLong("failing"), sortKey(rs, sort, hb)));
                }
            }
            return out;
        }
    }

    /** The row's cursor key: the key as text, but a heartbeat as an ISO instant, which the handler can check. */
    private static String sortKey(ResultSet rs, TargetSort sort, Timestamp heartbeat) throws SQLException {
        if (sort == TargetSort.LAST_HEARTBEAT) {
            return heartbeat == null ? TargetSort.NEVER : heartbeat.toInstant().toString();
        }
        return rs.getString("sort_key");
    }

    private static final String COUNT = "SELECT count(*) FROM targets t WHERE %s";

    long count(Connection c, Filter f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT.formatted(f.where()))) {
            set(ps, f.params(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static final String GROUPS = "SELECT id, name FROM groups ORDER BY lower(name), id";

    List<GroupOption> groups(Connection c) throws SQLException {
        List<GroupOption> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(GROUPS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new GroupOption(rs.getObject(1, UUID.class), rs.getString(2)));
            }
        }
        return out;
    }

    private static final String GROUP_NAME = "SELECT name FROM groups WHERE id = ?";

    String groupName(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GROUP_NAME)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int set(PreparedStatement ps, List<Object> params, int from) throws SQLException {
        int i = from;
        for (Object p : params) {
            if (p instanceof Map<?, ?> json) {
                Jsonb.set(ps, i++, json);
            } else {
                ps.setObject(i++, p);
            }
        }
        return i;
    }

    private static UUID uuid(String s) {
        try {
            return s.length() == 36 ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
