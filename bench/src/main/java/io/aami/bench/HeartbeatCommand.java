package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import io.aami.contract.ApiPaths;
import io.aami.contract.heartbeat.HeartbeatRequest;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code heartbeat}: heartbeats per second the server accepts against its own {@code GET /health} (the
 * cheapest route it has: no credential, no body, no database) over the same client, the same
 * connections (one per agent, each presenting its agent's certificate with TLS) and the same number
 * of requests in flight. Phases alternate (heartbeats, health, heartbeats, health) so drift in the
 * shared machine's load falls on both. Exit 0 when every answer was 2xx and every agent's heartbeat is
 * in the database after the write-behind flush, 1 when not, 3 when the run could not be made.
 */
final class HeartbeatCommand {
    static final double GOAL = 0.8;

    /** The figures of a run; {@code correct}: every answer 2xx and every agent's heartbeat stored. */
    record Outcome(double perSecond, double healthPerSecond, long failed, int stored, int agents) {
        double ratio() {
            return perSecond / healthPerSecond;
        }

        boolean correct() {
            return failed == 0 && stored == agents;
        }

        int exitCode() {
            return correct() ? 0 : FleetCommand.EXIT_LOST;
        }
    }

    private final HeartbeatOptions o;
    private final PrintStream out;

    HeartbeatCommand(HeartbeatOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        try (BenchAgents bench = BenchAgents.start(o.tls(), o.agents(), new Stats(), out)) {
            return run(bench);
        }
    }

    Outcome run(BenchAgents bench) throws Exception {
        List<ClosedLoop.Call> beats = bench.agents.stream().map(a -> new ClosedLoop.Call(a.id(), "POST",
                ApiPaths.withId(ApiPaths.HEARTBEAT, a.id()), bench.json(new HeartbeatRequest("aami-bench", 60L, null, 0, null, null)),
                bench.bearer(a))).toList();
        List<ClosedLoop.Call> health = bench.agents.stream().map(a -> new ClosedLoop.Call(a.id(), "GET", ApiPaths.HEALTH, null,
                null)).toList();
        ClosedLoop loop = new ClosedLoop(bench.http);
        if (!o.warmup().isZero()) {
            loop.run(Endpoint.HEARTBEAT, beats, o.warmup());
            loop.run(Endpoint.HEALTH, health, o.warmup());
        }
        out.printf("%d agents, one request in flight each on its own connection, %s TLS, %ss per side%n", o.agents(),
                o.tls() ? "mutual" : "no", o.duration().toSeconds());
        Instant measured = Instant.now();
        Duration half = o.duration().dividedBy(2);
        PhaseCpu beatCpu = new PhaseCpu();
        PhaseCpu healthCpu = new PhaseCpu();
        ClosedLoop.Counted b1 = beatCpu.timed(loop, Endpoint.HEARTBEAT, beats, half);
        ClosedLoop.Counted h1 = healthCpu.timed(loop, Endpoint.HEALTH, health, half);
        ClosedLoop.Counted b2 = beatCpu.timed(loop, Endpoint.HEARTBEAT, beats, o.duration().minus(half));
        ClosedLoop.Counted h2 = healthCpu.timed(loop, Endpoint.HEALTH, health, o.duration().minus(half));
        long[] cpu = {beatCpu.process, healthCpu.process};
        bench.server.flush();
        int stored = stored(bench, measured);
        double seconds = o.duration().toNanos() / 1e9;
        Outcome r = new Outcome((b1.ok() + b2.ok()) / seconds, (h1.ok() + h2.ok()) / seconds,
                b1.failed() + b2.failed() + h1.failed() + h2.failed(), stored, o.agents());
        out.printf(Locale.ROOT, "aami heartbeats: %,d accepted = %,.0f heartbeats/s%n", b1.ok() + b2.ok(), r.perSecond());
        out.printf(Locale.ROOT, "peer (GET /health, same client and connections): %,d = %,.0f requests/s%n", h1.ok() + h2.ok(),
                r.healthPerSecond());
        out.printf(Locale.ROOT, "ratio aami/peer: %.2f (goal >= %.1f: %s)%n", r.ratio(), GOAL, r.ratio() >= GOAL ? "met" : "NOT met");
        out.printf(Locale.ROOT, "CPU of this process (server and client) per request: heartbeat %,.0f us, /health %,.0f us (/health over heartbeat: %.2f)%n",
                cpu[0] / 1e3 / Math.max(1, b1.ok() + b2.ok()), cpu[1] / 1e3 / Math.max(1, h1.ok() + h2.ok()),
                (double) cpu[1] / Math.max(1, h1.ok() + h2.ok()) / Math.max(1e-9, (double) cpu[0] / Math.max(1, b1.ok() + b2.ok())));
        out.print(byThread(beatCpu, b1.ok() + b2.ok(), healthCpu, h1.ok() + h2.ok()));
        if (r.failed() > 0) {
            out.printf("answers: heartbeats %s, /health %s%n", bench.stats.statuses(Endpoint.HEARTBEAT), bench.stats.statuses(Endpoint.HEALTH));
        }
        out.printf("correctness: %s — %d answers not 2xx, %d of %d agents' heartbeats stored after the flush%n",
                r.correct() ? "OK" : "FAILED", r.failed(), stored, o.agents());
        return r;
    }

    /**
     * The CPU of one side's phases: the whole process's (with {@code --embedded} server and client share it, and
     * CPU per request is steadier than requests per second on a shared machine) and by thread role
     * ({@link ThreadCpu}), which tells the server's share from the simulator's and from the JIT's.
     */
    static final class PhaseCpu {
        long process;
        final Map<ThreadCpu.Role, Long> byRole = new EnumMap<>(ThreadCpu.Role.class);

        ClosedLoop.Counted timed(ClosedLoop loop, Endpoint endpoint, List<ClosedLoop.Call> calls, Duration d)
                throws java.io.IOException, InterruptedException {
            long pid = ProcessHandle.current().pid();
            ProcessStats before = ProcessStats.of(pid);
            Map<ThreadCpu.Role, Long> threadsBefore = ThreadCpu.now();
            ClosedLoop.Counted counted = loop.run(endpoint, calls, d);
            ThreadCpu.add(byRole, ThreadCpu.between(threadsBefore, ThreadCpu.now()));
            process += ProcessStats.of(pid).totalCpuNanosSince(before);
            return counted;
        }

        double micros(ThreadCpu.Role role, long requests) {
            return byRole.getOrDefault(role, 0L) / 1e3 / Math.max(1, requests);
        }
    }

    /** Per request by thread role: what the server alone spends on a heartbeat against a {@code /health}. */
    static String byThread(PhaseCpu beat, long beats, PhaseCpu health, long healths) {
        double serverBeat = beat.micros(ThreadCpu.Role.SERVER, beats);
        double serverHealth = health.micros(ThreadCpu.Role.SERVER, healths);
        return String.format(Locale.ROOT, "CPU per request by thread: heartbeat server %,.0f us, client %,.0f us, JIT %,.0f us; "
                        + "/health server %,.0f us, client %,.0f us, JIT %,.0f us (server threads alone, /health over heartbeat: %.2f)%n",
                serverBeat, beat.micros(ThreadCpu.Role.CLIENT, beats), beat.micros(ThreadCpu.Role.JIT, beats),
                serverHealth, health.micros(ThreadCpu.Role.CLIENT, healths), health.micros(ThreadCpu.Role.JIT, healths),
                serverHealth / Math.max(1e-9, serverBeat));
    }

    private static final String STORED = "SELECT count(*) FROM targets WHERE id = ANY(?) AND last_heartbeat_at >= ?";

    /** Agents whose stored heartbeat is from the measured phases (written behind, so after the flush). */
    static int stored(BenchAgents bench, Instant since) throws SQLException {
        try (Connection c = bench.server.database().connect(); PreparedStatement ps = c.prepareStatement(STORED)) {
            ps.setArray(1, c.createArrayOf("uuid", bench.agents.stream().map(Enrollment.Enrolled::id).toArray(UUID[]::new)));
            ps.setObject(2, since.atOffset(java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** {@code heartbeat} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return HeartbeatOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            HeartbeatOptions o = HeartbeatOptions.parse(args);
            return BenchRuns.safely(() -> new HeartbeatCommand(o, out).run().exitCode(), err);
        }
    }
}
