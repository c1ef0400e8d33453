package io.aami.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The simulated agents of a run, wherever they run: in this JVM ({@link Fleet}) or spread over
 * simulator child JVMs ({@link ProcessFleet}, {@code --processes}), so {@code fleet}, its ramp and
 * {@code storm} drive either the same way.
 */
interface Agents extends AutoCloseable {
    int size();

    /** Enrolls {@code count} more agents and starts them; {@code tokenForUses} makes a bootstrap token for that many uses. */
    void grow(int count, IntFunction<String> tokenForUses) throws InterruptedException;

    /** Starts agents enrolled in an earlier run ({@code --identities}) without enrolling them again. */
    void adopt(List<Enrollment.Enrolled> earlier);

    /** Every agent's identity. */
    List<Enrollment.Enrolled> identities();

    /**
     * How many agents had a heartbeat answered 2xx after {@code sinceNanos} ({@link System#nanoTime()};
     * on Linux HotSpot reads CLOCK_MONOTONIC, one clock for every process of the machine).
     */
    int heartbeatingSince(long sinceNanos);

    /** Stops making results, waits up to {@code grace} for every pending one to be acknowledged, then stops; returns the undrained. */
    int drainAndStop(Duration grace) throws InterruptedException;

    /** What every agent knows of its results (after {@link #close} too). */
    List<SimAgent.Ledger> ledgers();

    /** See {@link Handshakes#mark()}. */
    void markHandshakes();

    /** TLS handshakes of the agents' connections so far. */
    Handshakes.Counts handshakes();

    /** The simulator child processes' ids ({@code --processes}); none when the agents run in this JVM. */
    default java.util.List<Long> pids() {
        return java.util.List.of();
    }

    /** Brings answers recorded in other processes into the run's {@link Stats}; nothing to do in one JVM. */
    default void collectStats() {
    }

    /** Stops every agent; {@link #ledgers} stays readable. */
    @Override
    void close();
}
