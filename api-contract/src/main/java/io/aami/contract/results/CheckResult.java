package io.aami.contract.results;

import java.time.Instant;

/**
 * One check execution, as the agent's spool sends it and as local scripts submit it (the agent
 * design's body: {@code check_id}, {@code status}, {@code exit_code}, {@code output}, {@code duration_ms},
 * {@code executed_at}).
 *
 * <p>{@code checkId} names the check by its id (a UUID) or, when it is not a UUID, by its name among
 * the checks of the sender's policy ({@link CheckResultRules}).
 *
 * <p>{@code seq} numbers the agent's check-result stream: strictly increasing, never reused within the
 * batch's stream epoch ({@link StreamEpochs}), surviving restarts; the server uses (epoch, seq) to store
 * each result exactly once. Null (absent) for a result submitted without a number: the server stores
 * it once per (check, executed_at, output), a weaker promise than exactly-once; the agent's local API
 * numbers what it is given before spooling it, so results submitted there are sequenced.
 * {@code status} is ok, warning, critical or unknown, and agrees with {@code exitCode} when both are given.
 */
public record CheckResult(Long seq, String checkId, String status, Integer exitCode, String output, boolean truncated,
                          boolean timedOut, long durationMs, Instant executedAt) {
}
