package io.aami.agent.processes;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.policy.ProcessMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Judges the matched processes against a {@link ProcessMatch}'s bounds and writes what was seen. */
final class ProcessReport {
    private ProcessReport() {
    }

    static ProcessVerdict judge(ProcessMatch m, List<ProcessInfo> found, Map<Long, Double> cpu, int slowMatches) {
        List<String> broken = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        int n = found.size();
        if ((m.minCount() != null && n < m.minCount()) || (m.maxCount() != null && n > m.maxCount())) {
            broken.add(n + " matching, expected " + countBounds(m));
        }
        for (ProcessInfo p : found) {
            bound(broken, p, "rss", m.maxRssBytes(), p.rssBytes());
            bound(broken, p, "threads", m.maxThreads() == null ? null : m.maxThreads().longValue(), p.threads());
            if (m.maxOpenFiles() != null) {
                if (p.openFiles() == null) {
                    unmeasured.add("pid " + p.pid() + " open files cannot be read");
                } else {
                    bound(broken, p, "open files", m.maxOpenFiles().longValue(), p.openFiles());
                }
            }
            Double pct = cpu.get(p.pid());
            if (m.maxCpuPercent() != null && pct != null && pct > m.maxCpuPercent()) {
                broken.add("pid " + p.pid() + " cpu " + percent(pct) + " > " + m.maxCpuPercent() + "%");
            }
        }
        String status = !broken.isEmpty() ? CheckStatus.CRITICAL.wire()
                : !unmeasured.isEmpty() ? CheckStatus.UNKNOWN.wire() : CheckStatus.OK.wire();
        StringBuilder out = new StringBuilder();
        out.append(n).append(n == 1 ? " process matches" : " processes match").append(" (expected ")
                .append(countBounds(m)).append(')');
        if (!broken.isEmpty()) {
            out.append("; CRITICAL: ").append(String.join("; ", cap(broken)));
        }
        if (!unmeasured.isEmpty()) {
            out.append("; UNKNOWN: ").append(String.join("; ", cap(unmeasured)));
        }
        if (slowMatches > 0) {
            out.append("; ").append(slowMatches).append(" process(es) skipped: matching took longer than ")
                    .append(ProcessCheck.MATCH_BUDGET.toMillis()).append(" ms");
        }
        for (int i = 0; i < Math.min(n, ProcessCheck.LISTED); i++) {
            out.append('\n').append(line(found.get(i), cpu.get(found.get(i).pid())));
        }
        if (n > ProcessCheck.LISTED) {
            out.append("\n… and ").append(n - ProcessCheck.LISTED).append(" more");
        }
        return new ProcessVerdict(status, out.toString());
    }

    private static void bound(List<String> broken, ProcessInfo p, String what, Long max, long value) {
        if (max != null && value > max) {
            broken.add("pid " + p.pid() + " " + what + " " + value + " > " + max);
        }
    }

    private static String countBounds(ProcessMatch m) {
        if (m.minCount() != null && m.maxCount() != null) {
            return m.minCount().equals(m.maxCount()) ? "exactly " + m.minCount()
                    : "between " + m.minCount() + " and " + m.maxCount();
        }
        if (m.maxCount() != null) {
            return "at most " + m.maxCount();
        }
        return "at least " + (m.minCount() == null ? 0 : m.minCount());
    }

    private static List<String> cap(List<String> items) {
        if (items.size() <= ProcessCheck.LISTED) {
            return items;
        }
        List<String> out = new ArrayList<>(items.subList(0, ProcessCheck.LISTED));
        out.add("… " + (items.size() - ProcessCheck.LISTED) + " more");
        return out;
    }

    private static String line(ProcessInfo p, Double cpu) {
        return "pid " + p.pid() + " " + printable(p.name()) + " uid=" + p.uid() + " rss=" + p.rssBytes() + " threads="
                + p.threads() + " open_files=" + (p.openFiles() == null ? "?" : p.openFiles())
                + (cpu == null ? "" : " cpu=" + percent(cpu));
    }

    /** A process name is chosen by whoever started it: controls shown as '?'. */
    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String percent(double pct) {
        return String.format(Locale.ROOT, "%.1f%%", pct);
    }
}
