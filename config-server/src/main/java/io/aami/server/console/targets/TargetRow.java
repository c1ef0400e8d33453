package io.aami.server.console.targets;

import java.time.Instant;
import java.util.UUID;

/**
 * One line of the target list. {@code refused}: the agent refused its last policy ({@code policy_error} set);
 * {@code failing}: its checks whose latest result is not ok; {@code sortKey}: the row's sort key as text, for the
 * next page's cursor.
 */
public record TargetRow(UUID id, String hostname, String status, UUID groupId, String groupName, Instant lastHeartbeatAt,
                        String agentVersion, Long policyVersion, boolean refused, long failing, String sortKey) {
}
