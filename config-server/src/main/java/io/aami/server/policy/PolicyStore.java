package io.aami.server.policy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL for {@code target_policies}: the version of each target's effective policy. */
final class PolicyStore {
    record Stored(long version, String contentSha256) {
    }

    private static final String FIND_MANY = "SELECT target_id, version, content_sha256 FROM target_policies "
            + "WHERE target_id = ANY(?::uuid[])";
    // Compare-and-set on the content hash: replicas racing on the same change agree on one version,
    // and a version is drawn from the sequence only when the content really changed. Rows in target order so that two
    // replicas bumping the same targets at once lock them in the same order (no deadlock).
    private static final String BUMP_MANY = "INSERT INTO target_policies (target_id, version, content_sha256, updated_at) "
            + "SELECT t, nextval('policy_version_seq'), s, ? FROM unnest(?::uuid[], ?::text[]) AS u(t, s) ORDER BY t "
            + "ON CONFLICT (target_id) DO UPDATE "
            + "SET version = nextval('policy_version_seq'), content_sha256 = EXCLUDED.content_sha256, updated_at = EXCLUDED.updated_at "
            + "WHERE target_policies.content_sha256 <> EXCLUDED.content_sha256";

    /**
     * The version of each target's content ({@code contentSha256} by target), drawing a new, higher one
     * where the content changed; three statements at most whatever the number of targets: read, bump
     * those whose content changed, read those again.
     */
    Map<UUID, Long> versionsFor(Connection c, Map<UUID, String> contentSha256, Instant now) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        Map<UUID, Stored> stored = findMany(c, contentSha256.keySet());
        List<UUID> changed = new ArrayList<>();
        contentSha256.forEach((id, sha) -> {
            Stored s = stored.get(id);
            if (s != null && s.contentSha256().equals(sha)) {
                out.put(id, s.version());
            } else {
                changed.add(id);
            }
        });
        if (changed.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(BUMP_MANY)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, c.createArrayOf("uuid", changed.toArray()));
            ps.setArray(3, c.createArrayOf("text", changed.stream().map(contentSha256::get).toArray()));
            ps.executeUpdate();
        }
        findMany(c, changed).forEach((id, s) -> out.put(id, s.version()));
        return out;
    }

    private Map<UUID, Stored> findMany(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, Stored> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FIND_MANY)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), new Stored(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return out;
    }
}
