package io.aami.agent.schedule;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The slot arithmetic: a job runs at wall-clock instants {@code phase + k·interval} (epoch millis),
 * where the phase is a SHA-256 of the job's seed reduced modulo the interval. A cryptographic hash,
 * unlike {@code String.hashCode}, spreads similar seeds (agent ids differing in one character)
 * uniformly, so a fleet with the same 60 s check does not fire at :00 all at once.
 *
 * <p>A job's first run does not wait for its phase. Someone who has just added a check wants its
 * result in seconds, not after up to a whole interval (an hour for an hourly check), so a new job's
 * first slot is at most {@link #FIRST_RUN_SPREAD} away (see {@link #firstSlotMillis}); from then on it
 * runs on its phase.
 *
 * <p>A restart is not a new job. A job whose unchanged definition last started at a known time (the
 * {@link RunHistory} of the previous process) resumes its cadence instead (see {@link #startSlotMillis}):
 * otherwise every restart, a fleet-wide upgrade or a crash loop, would run every check within five
 * seconds, a herd on the host and, across a fleet restarted together, on the monitored services.
 */
final class Phases {
    /**
     * New jobs first run within this long, at an offset hashed from their seed. Five seconds is "at
     * once" to a person waiting for a result, yet spreads a policy of 1,000 new checks (or an agent
     * starting with them) to about 200 starts a second rather than 1,000 in the same millisecond; the
     * executor's concurrency limit queues the rest. Longer would only delay results; shorter would not
     * be noticed by anyone and would bunch the starts more.
     */
    static final Duration FIRST_RUN_SPREAD = Duration.ofSeconds(5);

    /**
     * A job that missed its run while the agent was down (an interval or more since it last started)
     * runs within this long of the restart, or on its phase when its interval is shorter. A minute
     * spreads 1,000 overdue hourly checks to about 17 starts a second and still brings a host back
     * from a reboot with fresh results in a minute, not up to an hour later.
     */
    static final Duration OVERDUE_SPREAD = Duration.ofMinutes(1);

    private Phases() {
    }

    /** The job's offset in [0, interval) milliseconds; the same seed and interval always give the same phase. */
    static long phaseMillis(String seed, Duration interval) {
        long intervalMs = interval.toMillis();
        long hash = ByteBuffer.wrap(sha256(seed), 0, Long.BYTES).getLong();
        return Long.remainderUnsigned(hash, intervalMs);
    }

    /** The first slot at or after {@code nowMs}. */
    static long nextSlotMillis(long nowMs, long phaseMs, long intervalMs) {
        long slot = phaseMs + Math.floorDiv(nowMs - phaseMs, intervalMs) * intervalMs;
        return slot < nowMs ? slot + intervalMs : slot;
    }

    /**
     * A new job's first slot: its next phased slot when the interval is at most {@link #FIRST_RUN_SPREAD}
     * (that slot is then already that near), else the earlier of that slot and {@code nowMs} plus the
     * seed's offset in [0, FIRST_RUN_SPREAD).
     */
    static long firstSlotMillis(long nowMs, String seed, long phaseMs, long intervalMs) {
        long phased = nextSlotMillis(nowMs, phaseMs, intervalMs);
        long spreadMs = FIRST_RUN_SPREAD.toMillis();
        if (intervalMs <= spreadMs) {
            return phased;
        }
        return Math.min(phased, nowMs + phaseMillis(seed, FIRST_RUN_SPREAD));
    }

    /**
     * The slot after the one that fired at {@code firedSlotMs}: the first phased slot at least half an
     * interval after it and not before now. After a phased slot that is simply the next one; after an
     * early first run, a phased slot less than half an interval later is left out (it would run the job
     * twice in a row for nothing), so the first two runs are ½ to 1½ intervals apart, well inside the
     * server's staleness bound of two intervals. If the wall clock has stepped back since (NTP), the
     * next phased slot from now instead, so the job does not wait out the step.
     */
    static long slotAfterMillis(long firedSlotMs, long nowMs, long phaseMs, long intervalMs) {
        long slot = nextSlotMillis(Math.max(nowMs, firedSlotMs + intervalMs / 2), phaseMs, intervalMs);
        // Only a clock stepped back by more than an interval gets here, so the slot from now lies
        // before the one that fired and cannot repeat it.
        return slot - nowMs > 2 * intervalMs ? nextSlotMillis(nowMs, phaseMs, intervalMs) : slot;
    }

    /**
     * The first slot of a job this process has not run yet. Unknown last start, or one after
     * {@code nowMs} (the wall clock has stepped back since, so it says nothing about the cadence): a
     * new job's first slot. Otherwise {@link #resumedSlotMillis}.
     */
    static long startSlotMillis(OptionalLong lastStartMs, long nowMs, String seed, long phaseMs, long intervalMs) {
        if (!known(lastStartMs, nowMs)) {
            return firstSlotMillis(nowMs, seed, phaseMs, intervalMs);
        }
        return resumedSlotMillis(lastStartMs.getAsLong(), nowMs, seed, phaseMs, intervalMs);
    }

    /**
     * Whether a job starting at {@code nowMs} catches up rather than keeps its cadence: its last start
     * is unknown (or in the future), or an interval or more ago. Its start is worth recording soon.
     */
    static boolean catchingUp(OptionalLong lastStartMs, long nowMs, long intervalMs) {
        return !known(lastStartMs, nowMs) || nowMs - lastStartMs.getAsLong() >= intervalMs;
    }

    /**
     * The slot of a job resumed after a restart, given its last start {@code lastStartMs <= nowMs}: the
     * slot it would have had had the agent kept running ({@link #slotAfterMillis}, so never more than
     * 1½ intervals away whatever the history file says). If that run was missed (an interval or more
     * ago), the earlier of that slot and {@code nowMs} plus the seed's offset in [0, OVERDUE_SPREAD).
     */
    static long resumedSlotMillis(long lastStartMs, long nowMs, String seed, long phaseMs, long intervalMs) {
        long onCadence = slotAfterMillis(lastStartMs, nowMs, phaseMs, intervalMs);
        if (nowMs - lastStartMs < intervalMs || intervalMs <= OVERDUE_SPREAD.toMillis()) {
            return onCadence;
        }
        return Math.min(onCadence, nowMs + phaseMillis(seed, OVERDUE_SPREAD));
    }

    private static boolean known(OptionalLong lastStartMs, long nowMs) {
        return lastStartMs.isPresent() && lastStartMs.getAsLong() <= nowMs;
    }

    private static byte[] sha256(String seed) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
