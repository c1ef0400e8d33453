package io.aami.contract.groups;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A group of targets as the admin API returns it. */
public record GroupView(UUID id, String name, String description, Map<String, String> labels,
                        Instant createdAt, Instant updatedAt) {
}
