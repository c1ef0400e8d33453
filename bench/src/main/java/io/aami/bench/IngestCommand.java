package io.aami.bench;

import io.aami.contract.results.CheckResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code ingest}: check results stored per second by the server's exactly-once ingest (many agents
 * posting batches, one in flight each) against the peer, a plain COPY of the very same rows into the
 * same table of the same database. Each agent first sends {@code --warmup} batches in its epoch (so the
 * JIT and the cursors are warm, as on a running server); the measured results follow them in the same stream.
 * Exit 0 when every result is stored exactly once, 1 when not, 3 when the run could not be made.
 */
final class IngestCommand {
    static final double GOAL = 0.8;
    private static final Duration LIMIT = Duration.ofMinutes(10);

    /** The figures of a run; {@code verdict} says whether exactly-once held. */
    record Outcome(double perSecond, double peerPerSecond, String peer, ExactlyOnce.Verdict verdict, List<SimAgent.Ledger> ledgers) {
        double ratio() {
            return perSecond / peerPerSecond;
        }

        int exitCode() {
            return verdict.ok() ? 0 : FleetCommand.EXIT_LOST;
        }
    }

    private final IngestOptions o;
    private final PrintStream out;

    IngestCommand(IngestOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        try (BenchAgents bench = BenchAgents.start(o.tls(), o.agents(), new Stats(), out)) {
            return run(bench);
        }
    }

    Outcome run(BenchAgents bench) throws Exception {
        List<IngestLoad.Stream> warm = new ArrayList<>();
        List<IngestLoad.Stream> measured = new ArrayList<>();
        int warmResults = o.warmup() * o.batch();
        for (Enrollment.Enrolled a : bench.agents) {
            UUID epoch = UUID.randomUUID();
            List<CheckResult> all = results(bench.check.toString(), warmResults + o.resultsPerAgent());
            warm.add(new IngestLoad.Stream(a, bench.bearer(a), epoch, all.subList(0, warmResults), 0));
            measured.add(new IngestLoad.Stream(a, bench.bearer(a), epoch, all, warmResults));
        }
        IngestLoad.Done warmed = new IngestLoad(bench.http, bench.mapper, o.batch()).run(warm, LIMIT);
        if (!warmed.finished()) {
            throw new IllegalStateException("the warm-up batches were not all acknowledged within " + LIMIT.toMinutes() + " min");
        }
        String[] login = bench.server.databaseLogin();
        boolean psql = o.peer().equals("psql") && CopyPeer.psqlInstalled();
        List<IngestLoad.Stream> peerRows = measured.stream().map(s -> new IngestLoad.Stream(s.agent(), s.bearer(), s.epoch(),
                s.results().subList(warmResults, s.results().size()), 0)).toList();
        CopyPeer.Copied peer = new CopyPeer(bench.server.database(), login[0], login[1], login[2])
                .copy(peerRows, psql, bench.server.dir());
        out.printf("%d agents, %d results each in batches of %d after %d warm-up batches, %s TLS%n", o.agents(), o.resultsPerAgent(),
                o.batch(), o.warmup(), o.tls() ? "mutual" : "no");

        IngestLoad.Done run = new IngestLoad(bench.http, bench.mapper, o.batch()).run(measured, LIMIT);
        long rows = (long) o.agents() * o.resultsPerAgent();
        double perSecond = rows / (run.nanos() / 1e9);
        double peerPerSecond = peer.rows() / (peer.nanos() / 1e9);
        ExactlyOnce.Verdict v = bench.server.database().verify(run.ledgers());
        Outcome outcome = new Outcome(perSecond, peerPerSecond, peer.how(), v, run.ledgers());
        print(outcome, rows, run, peer);
        return outcome;
    }

    private void print(Outcome r, long rows, IngestLoad.Done run, CopyPeer.Copied peer) {
        out.printf(Locale.ROOT, "aami ingest: %,d results in %.2f s = %,.0f results/s (%d batches refused and sent again%s)%n",
                rows, run.nanos() / 1e9, r.perSecond(), run.refused(), run.finished() ? "" : "; NOT all acknowledged in time");
        out.printf(Locale.ROOT, "peer (%s): %,d rows in %.2f s = %,.0f rows/s%n", r.peer(), peer.rows(), peer.nanos() / 1e9,
                r.peerPerSecond());
        out.printf(Locale.ROOT, "ratio aami/peer: %.2f (goal >= %.1f: %s)%n", r.ratio(), GOAL, r.ratio() >= GOAL ? "met" : "NOT met");
        out.print(Report.verdict(r.verdict()));
    }

    /** An agent's results, seq 1..n, each as the agent makes one: a check that passed, a line of output. */
    private static List<CheckResult> results(String check, int n) {
        List<CheckResult> out = new ArrayList<>(n);
        Instant t = Instant.now().minusSeconds(n);
        for (int i = 1; i <= n; i++) {
            out.add(new CheckResult((long) i, check, "ok", 0, "OK - load average 0.42, run " + i, false, false, 12,
                    t.plusSeconds(i)));
        }
        return out;
    }

    /** {@code ingest} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return IngestOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            IngestOptions o = IngestOptions.parse(args);
            return BenchRuns.safely(() -> new IngestCommand(o, out).run().exitCode(), err);
        }
    }
}
