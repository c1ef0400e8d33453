package io.aami.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code storm} (issue 14, item 7): N agents heartbeating over mutual TLS against an embedded server
 * that the bench restarts; the figure is the time until every agent heartbeats again (goal: under
 * {@link #GOAL_SECONDS} s with {@link #GOAL_AGENTS} agents), with the TLS handshakes it took. The peer
 * is the same storm without TLS (agent tokens over plain HTTP), on a server of its own, so the ratio
 * is what TLS costs a reconnecting fleet. Exit 0 when every agent came back in every run, 1 when some
 * did not within {@code --timeout}, 3 when the run could not be made.
 */
final class StormCommand {
    static final int GOAL_AGENTS = 10_000;
    static final double GOAL_SECONDS = 60;

    private final StormOptions o;
    private final PrintStream out;

    StormCommand(StormOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    /** The TLS storm and, unless {@code --no-peer}, the peer's; the summary printed. */
    List<StormRun.Result> run() throws Exception {
        out.printf("load average before: %s%n", LoadAverage.now());
        List<StormRun.Result> results;
        try (EmbeddedTarget server = EmbeddedTarget.start(true, o.heartbeat(), java.util.Map.of(), o.dataDir());
             Replicas replicas = Replicas.start(server, o.replicas(), true)) {
            // The replica JVMs and the embedded PostgreSQL would be left running (seen stopping a 10,000-agent storm).
            results = UntilSignal.run("aami-bench-storm-stop", () -> {
                replicas.close();
                server.close();
            }, () -> storms(replicas));
        }
        out.printf("load average after: %s%n", LoadAverage.now());
        out.print(summary(results.get(0), results.size() > 1 ? results.get(1) : null));
        return results;
    }

    private List<StormRun.Result> storms(Replicas replicas) throws Exception {
        if (o.replicas() > 1) {
            out.printf("%d config-server replicas on one database: %s%n", o.replicas(), replicas.bases());
        }
        StormRun.Result tls = new StormRun(o, out).run(replicas, true, o.identities());
        if (!o.peer()) {
            return List.of(tls);
        }
        // The same servers and database without TLS; its agents (agent tokens, no certificates) enroll once too.
        replicas.switchTls(false);
        return List.of(tls, new StormRun(o, out).run(replicas, false, peerIdentities(o.identities())));
    }

    /**
     * The peer's agents beside {@code --identities} ({@code FILE.no-tls}), so a rerun enrolls neither
     * fleet again (the peer's 10,000 enrollments took minutes of a two-step run); null without it.
     */
    static java.nio.file.Path peerIdentities(java.nio.file.Path identities) {
        return identities == null ? null : identities.resolveSibling(identities.getFileName() + ".no-tls");
    }

    String summary(StormRun.Result tls, StormRun.Result peer) {
        StringBuilder sb = new StringBuilder("\n");
        sb.append(String.format(Locale.ROOT, "storm time (every agent heartbeating again after the restart), %d agents: "
                + "mutual TLS %s", tls.agents(), time(tls)));
        if (peer != null) {
            sb.append(String.format(Locale.ROOT, ", peer (no TLS) %s, ratio TLS/no TLS %s", time(peer),
                    tls.allBack() && peer.allBack() ? String.format(Locale.ROOT, "%.2f", tls.backSeconds()
                            / Math.max(peer.backSeconds(), 0.001)) : "n/a"));
        }
        sb.append('\n');
        Handshakes.Counts hs = tls.handshakes();
        sb.append(String.format(Locale.ROOT, "TLS handshakes in the storm: %d full, %d resumed; sessions from before the restart"
                + " resumed: %d (%s)%n", hs.full(), hs.resumed(), hs.resumedOld(), hs.resumedOld() > 0
                ? "resumption survives a restart: the server's session-ticket key is kept in pki/session-ticket.key"
                : "none: the server could not keep its session-ticket key (see its log), so each agent's first reconnection"
                + " is a full handshake; later ones resume tickets of the new server"));
        sb.append(String.format(Locale.ROOT, "connection rate: peak %d new TLS connections in one second after the restart"
                + " (the curve is above)%n", tls.curve().peak()));
        String goal = tls.agents() < GOAL_AGENTS ? "not measured (fewer than " + GOAL_AGENTS + " agents)"
                : tls.allBack() && tls.backSeconds() < GOAL_SECONDS ? "met" : "NOT met";
        sb.append(String.format(Locale.ROOT, "goal (%,d agents heartbeating again within %.0f s): %s%n", GOAL_AGENTS,
                GOAL_SECONDS, goal));
        return sb.toString();
    }


    private static String time(StormRun.Result r) {
        return r.allBack() ? String.format(Locale.ROOT, "%.1f s", r.backSeconds())
                : String.format(Locale.ROOT, "not reached (%d of %d back)", r.cameBack(), r.agents());
    }

    /** {@code storm} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return StormOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            StormOptions o = StormOptions.parse(args);
            try {
                List<StormRun.Result> results = new StormCommand(o, out).run();
                return results.stream().allMatch(StormRun.Result::allBack) ? 0 : FleetCommand.EXIT_LOST;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench storm: interrupted");
                return FleetCommand.EXIT_FAILED;
            } catch (IOException | RuntimeException e) {
                err.println("aami-bench storm: the run failed: " + e.getMessage());
                return FleetCommand.EXIT_FAILED;
            } catch (Exception e) {
                err.println("aami-bench storm: the run failed: " + e);
                return FleetCommand.EXIT_FAILED;
            }
        }
    }
}
