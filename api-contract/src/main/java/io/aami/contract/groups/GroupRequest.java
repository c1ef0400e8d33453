package io.aami.contract.groups;

import java.util.Map;

/** Body of {@code POST /api/v1/groups} and {@code PUT /api/v1/groups/{id}}. */
public record GroupRequest(String name, String description, Map<String, String> labels) {
}
