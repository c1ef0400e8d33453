package io.aami.server.policyscope;

import io.aami.server.db.ChangeFeed;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Announces, through the change feed, that the policy of some targets may have changed, so
 * long-polling agents on every replica are answered at once. The payload names the scope:
 * {@code global}, {@code group:<id>}, {@code target:<id>}, or {@code members:<id>} for a group
 * whose membership (what group-to-group probes aim at) changed.
 */
public final class PolicyChanges {
    public static final String TOPIC = "policy";

    private PolicyChanges() {
    }

    /** Publishes for the scope of a policy object: exactly one of the arguments is used. */
    public static void scope(Connection c, UUID groupId, UUID targetId) throws SQLException {
        if (targetId != null) {
            target(c, targetId);
        } else if (groupId != null) {
            ChangeFeed.publish(c, TOPIC, "group:" + groupId);
        } else {
            ChangeFeed.publish(c, TOPIC, "global");
        }
    }

    /** The target's own set changed (group membership, own policies). */
    public static void target(Connection c, UUID targetId) throws SQLException {
        ChangeFeed.publish(c, TOPIC, "target:" + targetId);
    }

    /** As {@link #target} for each of {@code targetIds}, in one statement. */
    public static void targets(Connection c, java.util.Collection<UUID> targetIds) throws SQLException {
        ChangeFeed.publishAll(c, TOPIC, targetIds.stream().map(id -> "target:" + id).toList());
    }

    /** A group gained or lost a member, or a member's address changed: group-to-group probes follow. */
    public static void members(Connection c, UUID groupId) throws SQLException {
        if (groupId != null) {
            ChangeFeed.publish(c, TOPIC, "members:" + groupId);
        }
    }
}
