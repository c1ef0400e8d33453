package io.aami.contract.targets;

import java.util.Map;
import java.util.UUID;

/** Body of {@code PUT /api/v1/targets/{id}} (pre-registration) and {@code POST /api/v1/targets}. */
public record TargetRequest(String hostname, UUID groupId, Map<String, String> labels) {
}
