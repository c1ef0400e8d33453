package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * {@code --ramp P}: after the first wave has run a minute unmeasured ({@link #WARMUP}), adds P agents every minute
 * until a minute does not hold ({@link Knee}: p99 of heartbeats or result batches over 100 ms, or a loss in the
 * database) or the duration ends; prints each step and the knee, the largest fleet that held.
 */
final class Ramp {
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

    /** What the ramp found: the knee, and whether a loss or duplicate ended it. */
    record Result(int knee, boolean lost) {
    }

    /** Runs the ramp; each measured minute is judged by {@link Knee}. */
    Result run(IntFunction<String> tokens, long startedNanos) throws Exception {
        long end = startedNanos + o.duration().toNanos();
        Knee knee = new Knee();
        long warmup = Math.min(WARMUP, Math.max(0, end - System.nanoTime()) / 2);
        out.printf(Locale.ROOT, "warm-up: the first %d agents run %d s unmeasured%n", fleet.size(), TimeUnit.NANOSECONDS.toSeconds(warmup));
        TimeUnit.NANOSECONDS.sleep(warmup);
        out.printf("%-8s %14s %14s %6s %6s%n", "agents", "heartbeat p99", "results p99", "5xx", "lost+dup");
        while (true) {
            Knee.Minute m = minute(end);
            out.printf(Locale.ROOT, "%-8d %14.2f %14.2f %6d %6d%n", m.agents(), m.heartbeatP99Ms(), m.resultsP99Ms(),
                    m.serverErrors(), m.lostOrDuplicated());
            Knee.Step step = knee.add(m);
            if (step == Knee.Step.LOST) {
                out.printf("knee: %d agents (a loss or duplicate at %d)%n", knee.knee(), m.agents());
                return new Result(knee.knee(), true);
            }
            if (step == Knee.Step.UNMEASURED) {
                out.printf("knee: %d agents (nothing answered to judge %d: --duration ran out while they enrolled)%n",
                        knee.knee(), m.agents());
                return new Result(knee.knee(), false);
            }
            if (step == Knee.Step.TOO_SLOW) {
                out.printf("knee: %d agents (p99 over %.0f ms at %d)%n", knee.knee(), Knee.P99_LIMIT_MS, m.agents());
                return new Result(knee.knee(), false);
            }
            if (System.nanoTime() >= end) {
                out.printf("knee: not reached; %d agents held for the whole --duration%n", knee.knee());
                return new Result(knee.knee(), false);
            }
            fleet.grow(o.rampPerMinute(), tokens);
        }
    }

    /** Measures one minute (or what is left of the duration) of the fleet as it is. */
    private Knee.Minute minute(long end) throws Exception {
        fleet.collectStats();
        stats.window();
        TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.MINUTES.toNanos(1), Math.max(0, end - System.nanoTime())));
        fleet.collectStats();
        Map<Endpoint, Stats.Figures> w = stats.window();
        // Agents keep sending while the database is read, so rows beyond a ledger's "produced" are
        // expected mid-run; only a lost or duplicated acknowledged result counts here (all three at the end).
        ExactlyOnce.Verdict v = db.verify(fleet.ledgers());
        Stats.Figures hb = w.get(Endpoint.HEARTBEAT);
        Stats.Figures rs = w.get(Endpoint.CHECK_RESULTS);
        return new Knee.Minute(fleet.size(), hb.p99Ms(), rs.p99Ms(), hb.count() + rs.count(), stats.serverErrors(),
                v.lost() + v.duplicated());
    }
}
