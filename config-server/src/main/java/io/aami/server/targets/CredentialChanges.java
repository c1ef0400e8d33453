package io.aami.server.targets;

import io.aami.server.db.ChangeFeed;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Announces, through the change feed, that an agent's credential changed (rotation, renewal,
 * enrollment, deletion, revocation), so every replica's credential cache drops it at once. Owned
 * here, by the agent's record: registration and the PKI publish it, the agent authenticator listens.
 */
public final class CredentialChanges {
    /** Change-feed topic whose payload is an agent id whose credential changed. */
    public static final String TOPIC = "credentials";

    private CredentialChanges() {
    }

    /** Publishes when {@code c}'s transaction commits. */
    public static void publish(Connection c, UUID agentId) throws SQLException {
        ChangeFeed.publish(c, TOPIC, agentId.toString());
    }

    /** As {@link #publish} for each agent, in one statement. */
    public static void publishAll(Connection c, java.util.Collection<UUID> agentIds) throws SQLException {
        ChangeFeed.publishAll(c, TOPIC, agentIds.stream().map(UUID::toString).toList());
    }
}
