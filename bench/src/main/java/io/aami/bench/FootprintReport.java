package io.aami.bench;

import java.util.Locale;

/**
 * What {@code footprint} prints: each process's resident set (at the end and the largest seen in the
 * window), threads and CPU over the window, the agent's figures over node_exporter's, and issue 14's goal
 * (agent RSS ≤ 48 MB and ≤ 2.5× node_exporter's). MB are 10⁶ bytes, as the goal is stated.
 */
final class FootprintReport {
    static final double GOAL_RSS_MB = 48;
    static final double GOAL_RSS_RATIO = 2.5;

    /** One process over the window: RSS at the end and at most, threads at the end, CPU % of one core. */
    record Figures(long rssBytes, long maxRssBytes, int threads, double cpuPercent) {
        static Figures of(ProcessStats start, ProcessStats end, long maxRss, long windowNanos) {
            return new Figures(end.rssBytes(), Math.max(maxRss, end.rssBytes()), end.threads(),
                    100.0 * end.totalCpuNanosSince(start) / windowNanos);
        }

        double rssMb() {
            return rssBytes / 1e6;
        }
    }

    private FootprintReport() {
    }

    static String table(Figures agent, Figures peer) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-16s %14s %14s %8s %9s%n", "process", "RSS MB", "RSS max MB", "threads", "CPU %"));
        row(b, "aami-agent", agent);
        row(b, "node_exporter", peer);
        b.append(String.format(Locale.ROOT, "%-16s %13.2fx %13.2fx %7.2fx %8.2fx%n", "agent/peer", ratio(agent.rssBytes(), peer.rssBytes()),
                ratio(agent.maxRssBytes(), peer.maxRssBytes()), ratio(agent.threads(), peer.threads()),
                ratio(agent.cpuPercent(), peer.cpuPercent())));
        return b.toString();
    }

    static boolean goalMet(Figures agent, Figures peer) {
        return agent.rssMb() <= GOAL_RSS_MB && ratio(agent.rssBytes(), peer.rssBytes()) <= GOAL_RSS_RATIO;
    }

    static String goal(Figures agent, Figures peer) {
        double r = ratio(agent.rssBytes(), peer.rssBytes());
        return String.format(Locale.ROOT, "goal (issue 14): agent RSS <= %.0f MB: %s (%.1f MB); <= %.1fx node_exporter: %s (%.2fx) -> %s%n",
                GOAL_RSS_MB, agent.rssMb() <= GOAL_RSS_MB ? "met" : "NOT met", agent.rssMb(), GOAL_RSS_RATIO,
                r <= GOAL_RSS_RATIO ? "met" : "NOT met", r, goalMet(agent, peer) ? "GOAL MET" : "GOAL NOT MET");
    }

    private static void row(StringBuilder b, String name, Figures f) {
        b.append(String.format(Locale.ROOT, "%-16s %14.1f %14.1f %8d %9.2f%n", name, f.rssBytes() / 1e6, f.maxRssBytes() / 1e6,
                f.threads(), f.cpuPercent()));
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.POSITIVE_INFINITY : a / b;
    }
}
