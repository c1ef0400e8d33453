package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The closing tables: per endpoint rate, latency and answers by status; then the exactly-once verdict. */
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
}
