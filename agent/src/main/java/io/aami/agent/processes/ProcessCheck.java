package io.aami.agent.processes;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.policy.ProcessMatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code kind: process} check, run by the agent itself from {@code /proc} (no script, no child process):
 * finds the processes a {@link ProcessMatch} describes (each regex <em>found</em> in the comm name, the exe
 * path, the command line; the real user by name or uid), then judges their count against
 * {@code [min_count, max_count]} and each one against the {@code max_*} bounds. Any bound broken is
 * critical; a bound that cannot be measured (another user's open files for a non-root agent) is unknown;
 * else ok. CPU % is measured over {@link #CPU_SAMPLE} only when a CPU bound is set, in clock ticks of
 * {@link #TICKS_PER_SECOND} (Linux's USER_HZ on every architecture the agent runs on). The output names the
 * bounds, the count and, for the first {@link #LISTED} matches, pid, name and the measured values.
 * Matching one process's text gives up after {@link #MATCH_BUDGET} (a hostile command line against a
 * backtracking pattern): that process does not match and the output says so.
 */
public final class ProcessCheck {
    static final Duration CPU_SAMPLE = Duration.ofSeconds(1);
    static final int TICKS_PER_SECOND = 100;
    static final int LISTED = 20;
    static final Duration MATCH_BUDGET = Duration.ofMillis(50);

    private final ProcTable table;
    private final Users users;

    public ProcessCheck(Path proc, Path passwd) {
        this.table = new ProcTable(proc);
        this.users = new Users(passwd);
    }

    /** The agent's own {@code /proc} and {@code /etc/passwd}. */
    public static ProcessCheck system() {
        return new ProcessCheck(Path.of("/proc"), Path.of("/etc/passwd"));
    }

    /**
     * @param budget how long matching may take in all (the check's timeout): past it the run is unknown
     * @throws InterruptedException when the agent stops during the CPU sample
     */
    public ProcessVerdict run(ProcessMatch m, Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        Matcher matcher;
        try {
            matcher = new Matcher(m, users);
        } catch (IllegalArgumentException e) { // a bad regex (PatternSyntaxException) or an unknown user
            return new ProcessVerdict(CheckStatus.UNKNOWN.wire(), "the process match cannot be used: " + e.getMessage());
        }
        List<ProcessInfo> found = new ArrayList<>();
        for (ProcessInfo p : table.identities()) {
            if (System.nanoTime() - deadline > 0) {
                return new ProcessVerdict(CheckStatus.UNKNOWN.wire(), "matching processes took longer than the check's "
                        + "timeout (" + budget.toSeconds() + " s); " + matcher.slowMatches() + " match(es) gave up");
            }
            if (matcher.matches(p)) {
                table.measured(p).ifPresent(found::add);
            }
        }
        Map<Long, Double> cpu = m.maxCpuPercent() == null ? Map.of() : cpuPercent(found);
        return ProcessReport.judge(m, found, cpu, matcher.slowMatches());
    }

    private Map<Long, Double> cpuPercent(List<ProcessInfo> found) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(CPU_SAMPLE.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<Long, Double> out = new HashMap<>();
        for (ProcessInfo p : found) {
            long now = table.cpuTicks(p.pid());
            if (now >= 0) {
                out.put(p.pid(), (now - p.cpuTicks()) * 100.0 / TICKS_PER_SECOND / seconds);
            }
        }
        return out;
    }

    /** The compiled match; counts the texts it gave up on. */
    private static final class Matcher {
        private final Pattern name;
        private final Pattern exe;
        private final Pattern cmdline;
        private final Optional<Long> uid;
        private int slow;

        Matcher(ProcessMatch m, Users users) {
            name = compile(m.nameRegex());
            exe = compile(m.exeRegex());
            cmdline = compile(m.cmdlineRegex());
            uid = m.user() == null ? Optional.empty() : Optional.of(users.uid(m.user())
                    .orElseThrow(() -> new IllegalArgumentException("no user '" + m.user() + "' on this host")));
        }

        boolean matches(ProcessInfo p) {
            if (uid.isPresent() && uid.get() != p.uid()) {
                return false;
            }
            return finds(name, p.name()) && finds(exe, p.exe()) && finds(cmdline, p.cmdline());
        }

        int slowMatches() {
            return slow;
        }

        private boolean finds(Pattern pattern, String text) {
            if (pattern == null) {
                return true;
            }
            if (text == null) {
                return false;
            }
            try {
                return pattern.matcher(new BoundedChars(text, System.nanoTime() + MATCH_BUDGET.toNanos())).find();
            } catch (BoundedChars.TooSlow e) {
                slow++;
                return false;
            }
        }

        private static Pattern compile(String regex) {
            return regex == null ? null : Pattern.compile(regex);
        }
    }
}
