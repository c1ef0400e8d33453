package io.aami.agent.schedule;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * The slot arithmetic: a job runs at wall-clock instants {@code phase + k·interval} (epoch millis),
 * where the phase is a SHA-256 of the job's seed reduced modulo the interval. A cryptographic hash,
 * unlike {@code String.hashCode}, spreads similar seeds (agent ids differing in one character)
 * uniformly, so a fleet with the same 60 s check does not fire at :00 all at once.
 */
final class Phases {
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

    private static byte[] sha256(String seed) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
