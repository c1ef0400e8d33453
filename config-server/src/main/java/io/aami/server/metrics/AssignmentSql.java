package io.aami.server.metrics;

/**
 * The policy's assignment rule (policy.PolicyContent: enabled, global, its group's and its own, one per
 * name, target beating group beating global) as SQL, for checks and probes alike: rows of
 * {@code (target_id, <item>_id)}, with three {@code ?} for the target status that runs nothing.
 * One equi-join per scope rather than one join on an OR, which PostgreSQL can only run as a nested
 * loop over targets x all items; overrides by name as anti-joins rather than DISTINCT ON, which would
 * sort every assigned item on each scrape. All hash joins, no sort.
 */
final class AssignmentSql {
    private AssignmentSql() {
    }

    /** @param table {@code checks} or {@code probes}; {@code idColumn} the name of its id in the rows */
    static String assigned(String table, String idColumn) {
        String overriddenByTarget = "EXISTS (SELECT 1 FROM " + table + " o WHERE o.enabled AND o.scope = 'target' "
                + "AND o.target_id = t.id AND lower(o.name) = lower(k.name))";
        String overriddenByGroup = "EXISTS (SELECT 1 FROM " + table + " o WHERE o.enabled AND o.scope = 'group' "
                + "AND o.group_id = t.group_id AND lower(o.name) = lower(k.name))";
        return "SELECT t.id AS target_id, k.id AS " + idColumn + " FROM targets t JOIN " + table + " k ON k.target_id = t.id "
                + "WHERE k.enabled AND k.scope = 'target' AND t.status <> ? "
                + "UNION ALL SELECT t.id, k.id FROM targets t JOIN " + table + " k ON k.group_id = t.group_id "
                + "WHERE k.enabled AND k.scope = 'group' AND t.status <> ? AND NOT " + overriddenByTarget
                + " UNION ALL SELECT t.id, k.id FROM targets t CROSS JOIN " + table + " k "
                + "WHERE k.enabled AND k.scope = 'global' AND t.status <> ? AND NOT " + overriddenByTarget + " AND NOT " + overriddenByGroup;
    }
}
