package io.aami.contract.targets;

import java.util.List;
import java.util.UUID;

/**
 * Body of {@code POST /api/v1/targets/bulk}: {@code action} {@code move} (to {@code groupId}) or {@code revoke}, for
 * 1 to {@link #MAX_TARGETS} distinct {@code targetIds}. All of them change, or none.
 */
public record TargetBulkRequest(String action, List<UUID> targetIds, UUID groupId) {
    public static final String MOVE = "move";
    public static final String REVOKE = "revoke";
    /** At most this many targets in one request: one transaction holds a lock on each. */
    public static final int MAX_TARGETS = 1000;
}
