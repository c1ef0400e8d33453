package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * {@code --ramp P}: after the first wave has run a minute unmeasured ({@link #WARMUP}), adds P agents every minute
 * until a minute's p99 (heartbeats and result batches) exceeds {@link #P99_LIMIT_MS}, the database shows a loss, or
 * the duration ends; prints each step and the knee, the largest fleet that held.
 */
final class Ramp {
    static final double P99_LIMIT_MS = 100;
    /**
     * A server JVM just started spends most of its CPU compiling: in the first 10 s after 1,000 agents enrolled, 61 %
     * of the embedded server's JVM was the JIT's threads (async-profiler, 2026-12-02), and the first wave's minute had
     * a p99 of seconds whatever its size. A fleet's server runs warm; the knee is measured on one.
     */
    static final long WARMUP = TimeUnit.MINUTES.toNanos(1);

    private final FleetOptions o;
    private final Agents fleet;
    private final Stats stats;
    private final ExactlyOnce db;
    private final PrintStream out;

    Ramp(FleetOptions o, Agents fleet, Stats stats, ExactlyOnce db, PrintStream out) {
        this.o = o;
        this.fleet = fleet;
        this.stats = stats;
        this.db = db;
        this.out = out;
    }

    /** Runs the ramp; false if a loss was seen. */
    boolean run(IntFunction<String> tokens, long startedNanos) throws Exception {
        long end = startedNanos + o.duration().toNanos();
        int knee = 0;
        long warmup = Math.min(WARMUP, Math.max(0, end - System.nanoTime()) / 2);
        out.printf(Locale.ROOT, "warm-up: the first %d agents run %d s unmeasured%n", fleet.size(), TimeUnit.NANOSECONDS.toSeconds(warmup));
        TimeUnit.NANOSECONDS.sleep(warmup);
        out.printf("%-8s %14s %14s %6s %6s%n", "agents", "heartbeat p99", "results p99", "5xx", "lost+dup");
        while (true) {
            fleet.collectStats();
            stats.window();
            TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.MINUTES.toNanos(1), Math.max(0, end - System.nanoTime())));
            fleet.collectStats();
            Map<Endpoint, Stats.Figures> w = stats.window();
            double hb = w.get(Endpoint.HEARTBEAT).p99Ms();
            double rs = w.get(Endpoint.CHECK_RESULTS).p99Ms();
            // Agents keep sending while the database is read, so rows beyond a ledger's "produced" are
            // expected mid-run; only a lost or duplicated acknowledged result counts here (all three at the end).
            ExactlyOnce.Verdict v = db.verify(fleet.ledgers());
            long bad = v.lost() + v.duplicated();
            out.printf(Locale.ROOT, "%-8d %14.2f %14.2f %6d %6d%n", fleet.size(), hb, rs, stats.serverErrors(), bad);
            if (bad > 0) {
                out.printf("knee: %d agents (a loss or duplicate at %d)%n", knee, fleet.size());
                return false;
            }
            if (Math.max(hb, rs) > P99_LIMIT_MS) {
                out.printf("knee: %d agents (p99 over %.0f ms at %d)%n", knee, P99_LIMIT_MS, fleet.size());
                return true;
            }
            knee = fleet.size();
            if (System.nanoTime() >= end) {
                out.printf("knee: not reached; %d agents held for the whole --duration%n", knee);
                return true;
            }
            fleet.grow(o.rampPerMinute(), tokens);
        }
    }
}
