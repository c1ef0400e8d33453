package io.aami.contract.results;

import java.time.Duration;

/**
 * The rules a check result meets wherever it enters: the server's
 * {@code POST /api/v1/agents/{id}/check-results} and the agent's local {@code POST /check-results}.
 * <ul>
 *   <li>{@code check_id} is a check's id when it is a UUID, else a check's name (exactly as defined);
 *       either must be a check the sender's policy holds, else a 404 naming it. On the server, a result
 *       with {@code seq} whose check is no longer assigned (unassigned while it waited in the spool) is
 *       dropped instead, and acknowledged, so the agent's stream moves on.</li>
 *   <li>{@code executed_at} lies between the years 1 and 9999, like every timestamp, and is kept exactly
 *       (microseconds, proleptic Gregorian calendar).</li>
 *   <li>{@code status} agrees with {@code exit_code} by the Nagios convention
 *       ({@code io.aami.contract.checks.CheckStatus#forExitCode}), else 400.</li>
 *   <li>{@code executed_at} may lie at most {@link #MAX_FUTURE_SKEW} ahead of the receiver's clock, else 400
 *       (applied to results without {@code seq} on the server, and to everything the agent's local API takes).</li>
 *   <li>A batch is all-or-nothing: one refused result stores none of it.</li>
 * </ul>
 */
public final class CheckResultRules {
    /** How far ahead of the receiving clock {@code executed_at} may be: clock skew, not a time in the future. */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);
    /** Characters of {@code output} stored; the rest is cut and {@code truncated} set. */
    public static final int MAX_OUTPUT_CHARS = 64 * 1024;
    /** Results in one {@code POST /check-results} to the agent's local API. */
    public static final int MAX_LOCAL_BATCH = 1_000;
    /** Bytes of one {@code POST /check-results} body to the agent's local API. */
    public static final long MAX_LOCAL_BODY_BYTES = 1024 * 1024;
    /** Characters of a {@code check_id} (an id or a name). */
    public static final int MAX_CHECK_REF_LENGTH = 256;

    private CheckResultRules() {
    }
}
