package io.aami.contract.targets;

import java.util.List;
import java.util.UUID;

/**
 * Answer of {@code POST /api/v1/targets/bulk}: the action done and the targets it changed (a target already in the
 * group it was moved to is not changed, and not listed).
 */
public record TargetBulkResult(String action, List<UUID> changed) {
}
