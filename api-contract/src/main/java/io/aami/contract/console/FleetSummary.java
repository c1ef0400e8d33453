package io.aami.contract.console;

import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /api/v1/fleet/summary}: how many targets are in each status ({@code pending}, {@code online},
 * {@code offline}, {@code revoked}, every one present, zero included) and how many checks' latest results are in each
 * ({@code ok}, {@code warning}, {@code critical}, {@code unknown}), read at {@code at}.
 */
public record FleetSummary(Map<String, Long> targets, Map<String, Long> checks, Instant at) {
}
