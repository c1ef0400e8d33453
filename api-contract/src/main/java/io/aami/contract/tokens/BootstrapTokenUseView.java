package io.aami.contract.tokens;

import java.time.Instant;
import java.util.UUID;

/**
 * One attempt to enroll with a bootstrap token ({@code GET /api/v1/bootstrap-tokens/{id}/uses}):
 * when, from which address, for which target, and the outcome ({@code enrolled}, {@code attached},
 * {@code re-enrolled}, or the refusal code such as {@code TOKEN_EXHAUSTED}).
 */
public record BootstrapTokenUseView(Instant usedAt, String sourceIp, UUID targetId, String outcome) {
}
