package io.aami.bench;

import io.aami.common.json.WireJson;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code checkrun}: what one check run costs the agent. An embedded server assigns {@code --checks}
 * checks ({@code echo}, every second) to one real agent started from {@code --agent-jar}; after the
 * warm-up, the agent's CPU (its own and its reaped children's: every helper of the sandbox and the
 * script, which exec one another in one process) over the window is divided by the runs executed in
 * it, counted in the server's database. The peer is {@link SpawnFloor}. Exit 0 when every run in the
 * window succeeded, 1 when one did not (or none ran), 3 when the run could not be made.
 */
final class CheckRunCommand {
    static final int EXIT_WRONG = 1;
    static final int EXIT_FAILED = 3;
    /** Issue 14's goal: agent CPU per check run. */
    static final double GOAL_MS = 2.0;
    static final String OUTPUT = "aami-checkrun ok";
    private static final Duration FIRST_RESULT = Duration.ofSeconds(60);

    /** The runs executed in the window, as the server stored them. */
    record Window(long runs, long succeeded) {
    }

    /** What a valid run measured. */
    record Outcome(Window window, double agentMsPerRun, double childrenMsPerRun, double floorMsPerRun) {
        int exitCode() {
            return window.runs() > 0 && window.succeeded() == window.runs() ? 0 : EXIT_WRONG;
        }
    }

    private static final String COUNT = """
            SELECT count(*), count(*) FILTER (WHERE exit_code = 0 AND output = ?)
              FROM check_results WHERE executed_at >= ? AND executed_at < ?""";

    private final CheckRunOptions o;
    private final PrintStream out;

    CheckRunCommand(CheckRunOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        out.println("starting an embedded config-server (plain HTTP) on embedded PostgreSQL");
        try (EmbeddedTarget server = EmbeddedTarget.start(false, Duration.ofSeconds(5))) {
            AdminApi admin = new AdminApi(server.base(), server.adminToken(), WireJson.mapper(), null);
            String name = "checkrun-" + UUID.randomUUID().toString().substring(0, 8);
            UUID group = admin.createGroup(name);
            for (int i = 0; i < o.checks(); i++) {
                admin.createCheck(name + "-" + i, group, "echo " + OUTPUT, 1, 1);
            }
            String token = admin.createBootstrapToken(name, group, 1);
            Window window;
            double agentMs;
            double childrenMs;
            try (AgentChild agent = AgentChild.start(o.agentJar(), server.base(), token, o.containment(), o.javaOptions(),
                    o.flushInterval(), o.runHelper())) {
                awaitFirstResult(server.database(), agent);
                agent.logLines("check containment", "check runs start through").forEach(line -> out.println("agent: " + line.strip()));
                TimeUnit.NANOSECONDS.sleep(o.warmup().toNanos());
                OffsetDateTime from = OffsetDateTime.now(ZoneOffset.UTC);
                ProcessStats before = ProcessStats.of(agent.pid());
                TimeUnit.NANOSECONDS.sleep(o.duration().toNanos());
                ProcessStats after = ProcessStats.of(agent.pid());
                OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC);
                window = settledCount(server.database(), from, to, o.flushInterval());
                agentMs = after.totalCpuNanosSince(before) / 1e6 / window.runs();
                childrenMs = (after.childCpuNanos() - before.childCpuNanos()) / 1e6 / window.runs();
            }
            double floorMs = SpawnFloor.measure(o.peerRuns()) / 1e6;
            Outcome outcome = new Outcome(window, agentMs, childrenMs, floorMs);
            report(outcome);
            return outcome;
        }
    }

    private void report(Outcome r) {
        Window w = r.window();
        out.printf(Locale.ROOT, "%d checks every 1 s, containment %s, run helper %s, window %s: %d runs, %d succeeded%n",
                o.checks(), o.containment(), o.runHelper(), o.duration(), w.runs(), w.succeeded());
        out.printf(Locale.ROOT, "aami agent CPU per check run: %.2f ms (agent process %.2f ms + helpers and script %.2f ms)%n",
                r.agentMsPerRun(), r.agentMsPerRun() - r.childrenMsPerRun(), r.childrenMsPerRun());
        out.printf(Locale.ROOT, "peer sh -c true from a plain Java loop: %.2f ms per run (%d runs)%n", r.floorMsPerRun(),
                o.peerRuns());
        out.printf(Locale.ROOT, "ratio aami/peer: %.2f%n", r.agentMsPerRun() / r.floorMsPerRun());
        out.printf(Locale.ROOT, "goal (<= %.1f ms per check run): %s%n", GOAL_MS, r.agentMsPerRun() <= GOAL_MS ? "met" : "missed");
        out.printf(Locale.ROOT, "load average: %s%n", LoadAverage.now());
        out.println(r.exitCode() == 0 ? "correctness: OK (every run in the window exited 0 with the expected output)"
                : "correctness: FAILED (" + (w.runs() - w.succeeded()) + " of " + w.runs() + " runs wrong, or none ran)");
    }

    private void awaitFirstResult(ExactlyOnce db, AgentChild agent) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + FIRST_RESULT.toNanos();
        OffsetDateTime epoch = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        while (count(db, epoch, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1)).runs() == 0) {
            if (!agent.alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent " + (agent.alive() ? "delivered no result within "
                        + FIRST_RESULT.toSeconds() + " s" : "exited") + "; its log ends:\n" + agent.logTail(20));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Counts the window once no result arrived for it over a whole flush interval and a second (at most a minute). */
    private static Window settledCount(ExactlyOnce db, OffsetDateTime from, OffsetDateTime to, Duration flush)
            throws SQLException, InterruptedException {
        long quietNanos = flush.plusSeconds(1).toNanos();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).plus(flush).toNanos();
        Window last = count(db, from, to);
        long since = System.nanoTime();
        while (System.nanoTime() - since < quietNanos && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            Window now = count(db, from, to);
            if (!now.equals(last)) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    static Window count(ExactlyOnce db, OffsetDateTime from, OffsetDateTime to) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setString(1, OUTPUT + "\n");
            ps.setObject(2, from);
            ps.setObject(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Window(rs.getLong(1), rs.getLong(2));
            }
        }
    }


    /** {@code checkrun} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return CheckRunOptions.USAGE;
        }

        @Override
        public int run(java.util.List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            CheckRunOptions o = CheckRunOptions.parse(args);
            try {
                return new CheckRunCommand(o, out).run().exitCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench: interrupted");
                return EXIT_FAILED;
            } catch (Exception e) {
                err.println("aami-bench: the run could not be made: " + e.getMessage());
                return EXIT_FAILED;
            }
        }
    }
}
