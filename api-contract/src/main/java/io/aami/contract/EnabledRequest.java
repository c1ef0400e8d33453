package io.aami.contract;

/**
 * Body of {@code PUT /api/v1/checks/{id}/enabled} and {@code PUT /api/v1/probes/{id}/enabled}: switches one policy
 * object on or off without resending (and so without racing) the rest of its definition. {@code enabled} is required.
 */
public record EnabledRequest(Boolean enabled) {
}
