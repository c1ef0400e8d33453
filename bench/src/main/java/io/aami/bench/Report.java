package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The closing tables: per endpoint rate, latency and answers by status; the exactly-once verdict; each endpoint's p99
 * against {@link Knee#P99_LIMIT_MS}; and, without {@code --ramp}, whether the whole fleet held.
 */
final class Report {
    private Report() {
    }

    static String endpoints(Stats stats, double seconds) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %9s %9s %9s %9s %9s  %s%n",
                "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "answers by status (io: none)"));
        for (Endpoint e : Endpoint.values()) {
            Stats.Figures f = stats.total(e);
            Map<String, Long> st = stats.statuses(e);
            String answers = st.entrySet().stream().map(en -> en.getKey() + "=" + en.getValue()).collect(Collectors.joining(" "));
            sb.append(String.format(Locale.ROOT, "%-18s %9d %9.1f %9.2f %9.2f %9.2f  %s%n", e.label, f.count(),
                    f.count() / Math.max(seconds, 0.001), f.p50Ms(), f.p99Ms(), f.maxMs(), answers.isEmpty() ? "-" : answers));
        }
        return sb.toString();
    }

    static String verdict(ExactlyOnce.Verdict v) {
        return String.format(Locale.ROOT, "exactly-once (database): %s — %d agents, %d results acknowledged, %d stored, "
                        + "%d lost, %d duplicated, %d never produced%n", v.ok() ? "OK" : "FAILED", v.agents(), v.acknowledged(),
                v.stored(), v.lost(), v.duplicated(), v.phantom());
    }

    /**
     * Each endpoint's whole-run p99 against the limit. Heartbeats and result batches decide whether the fleet held;
     * enrollment and policy fetches are shown beside them; a held long poll's latency is its wait, so it is left out.
     */
    static String limits(Stats stats) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "p99 against the %.0f ms limit (whole run):%n",
                Knee.P99_LIMIT_MS));
        for (Endpoint e : Endpoint.values()) {
            Stats.Figures f = stats.total(e);
            if (e == Endpoint.POLICY_WAIT || f.count() == 0) {
                continue;
            }
            boolean judged = e == Endpoint.HEARTBEAT || e == Endpoint.CHECK_RESULTS;
            sb.append(String.format(Locale.ROOT, "  %-18s %9.2f ms = %5.2fx the limit: %s%s%n", e.label, f.p99Ms(),
                    f.p99Ms() / Knee.P99_LIMIT_MS, f.p99Ms() <= Knee.P99_LIMIT_MS ? "within" : "over",
                    judged ? "" : " (shown, not judged)"));
        }
        return sb.toString();
    }

    /** Without {@code --ramp}: the whole fleet if the whole run's heartbeats and result batches held, else 0. */
    static int held(int agents, Stats stats, ExactlyOnce.Verdict v) {
        return Knee.judge(wholeRun(agents, stats, v)) == Knee.Step.HELD ? agents : 0;
    }

    static String heldHow(Stats stats, ExactlyOnce.Verdict v) {
        Knee.Minute run = wholeRun(v.agents(), stats, v);
        String p99 = String.format(Locale.ROOT, "heartbeat p99 %.2f ms, results p99 %.2f ms", run.heartbeatP99Ms(),
                run.resultsP99Ms());
        return switch (Knee.judge(run)) {
            case HELD -> "the whole fleet for the whole run: " + p99 + ", nothing lost";
            case TOO_SLOW -> String.format(Locale.ROOT, "not held: %s, over %.0f ms", p99, Knee.P99_LIMIT_MS);
            case LOST -> String.format(Locale.ROOT, "not held: %d results lost, duplicated or never produced", bad(v));
            case UNMEASURED -> "not held: no heartbeat or result batch answered to judge";
        };
    }

    /** The whole run judged as one minute. */
    private static Knee.Minute wholeRun(int agents, Stats stats, ExactlyOnce.Verdict v) {
        Stats.Figures hb = stats.total(Endpoint.HEARTBEAT);
        Stats.Figures rs = stats.total(Endpoint.CHECK_RESULTS);
        return new Knee.Minute(agents, hb.p99Ms(), rs.p99Ms(), hb.count() + rs.count(), stats.serverErrors(), bad(v));
    }

    /** At the end of a run, a row beyond what an agent produced is as wrong as a lost or a duplicated one. */
    private static long bad(ExactlyOnce.Verdict v) {
        return v.lost() + v.duplicated() + v.phantom();
    }
}
