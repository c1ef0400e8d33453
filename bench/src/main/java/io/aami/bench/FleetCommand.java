package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.common.pki.Pem;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code fleet}: sets up a run (embedded server or the given one; a group, a check and bootstrap
 * tokens through the admin API), runs the fleet for the duration (or ramps it), drains what is
 * pending, prints the tables, checks exactly-once in the database and prints the fleet held against issue 14's goal
 * ({@link Knee}). Exit 0 when nothing was lost or
 * duplicated, 1 when something was, 3 when the run itself could not be made.
 */
final class FleetCommand {
    static final int EXIT_LOST = 1;
    static final int EXIT_FAILED = 3;
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** What a run needs from the server under test; {@code replicas} every replica's base (the agents are spread over them). */
    record Target(URI base, String adminToken, java.nio.file.Path caFile, ExactlyOnce database, List<URI> replicas) {
        Target(URI base, String adminToken, java.nio.file.Path caFile, ExactlyOnce database) {
            this(base, adminToken, caFile, database, List.of(base));
        }
    }

    /**
     * How a run ended: the database's verdict, the ledgers it was checked against, the answers seen, and the fleet held
     * ({@link Knee}: with {@code --ramp} the knee; without, the whole fleet or 0). A missed goal is printed, never failed.
     */
    record Outcome(ExactlyOnce.Verdict verdict, java.util.List<SimAgent.Ledger> ledgers, Stats stats, boolean lossDuringRamp,
                   int held) {
        int exitCode() {
            return verdict.ok() && !lossDuringRamp ? 0 : EXIT_LOST;
        }
    }

    private final FleetOptions o;
    private final PrintStream out;
    private volatile Runnable closeOnInterrupt = () -> { };

    FleetCommand(FleetOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        if (!o.embedded()) {
            String admin = Files.readString(o.adminTokenFile()).trim();
            return run(new Target(o.server(), admin, o.caFile(), new ExactlyOnce(o.databaseUrl(), null, null)));
        }
        out.printf("starting an embedded config-server (TLS %s) on embedded PostgreSQL%n", o.tls() ? "on" : "off");
        try (EmbeddedTarget server = EmbeddedTarget.start(o.tls(), o.heartbeat(), java.util.Map.of(), o.dataDir());
             Replicas replicas = Replicas.start(server, o.replicas(), o.tls())) {
            // Interrupted, nobody else stops the embedded PostgreSQL: the hook does, after its report.
            closeOnInterrupt = () -> {
                replicas.close();
                server.close();
            };
            if (o.replicas() > 1) {
                out.printf("%d config-server replicas on one database: %s%n", o.replicas(), replicas.bases());
            }
            return run(new Target(server.base(), server.adminToken(), o.tls() ? server.caFile() : null, server.database(),
                    replicas.bases()));
        }
    }

    Outcome run(Target t) throws Exception {
        SecureRandom random = new SecureRandom();
        ObjectMapper mapper = WireJson.mapper();
        java.security.cert.X509Certificate ca = o.tls() ? Pem.readCertificate(t.caFile()) : null;
        FleetTls tls = o.tls() ? new FleetTls(ca, random) : null;
        AdminApi admin = new AdminApi(t.base(), t.adminToken(), mapper, tls == null ? null : tls.trustOnly());
        String serverId = ca == null ? "-" : Pem.sha256Hex(ca);
        Identities file = o.identities() == null ? null : new Identities(o.identities(), mapper);
        Identities.Saved saved = file == null ? null : file.load();
        if (saved != null && !saved.server().equals(serverId)) {
            throw new IOException("--identities " + o.identities() + " belongs to another server (CA " + saved.server() + ")");
        }
        String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        UUID group = saved != null ? saved.group() : admin.createGroup(name);
        UUID check = saved != null ? saved.check() : admin.createCheck(name, group);
        Stats stats = new Stats();
        MemoryProbe memory = MemoryProbe.baseline();
        SimAgent.Rhythm rhythm = new SimAgent.Rhythm(o.heartbeat(), o.resultsPerMinute(), o.policyWait());
        String capacity = FleetSpread.capacityWarning(o.agents(), o.processes(), o.embedded() ? o.replicas() : 0);
        if (capacity != null) {
            out.println(capacity);
        }
        try (Agents fleet = FleetSpread.open(o.processes(), new Fleet.Spec(t.replicas(), o.tls(), t.caFile(), check, rhythm), stats,
                out)) {
            java.util.concurrent.atomic.AtomicInteger tokens = new java.util.concurrent.atomic.AtomicInteger();
            java.util.function.IntFunction<String> token =
                    uses -> admin.createBootstrapToken(name + "-" + tokens.incrementAndGet(), group, uses);
            out.printf("fleet %s: %d agents, %s TLS, heartbeat %ss, %d results/min each, against %s%n", name, o.agents(),
                    o.tls() ? "mutual" : "no", o.heartbeat().toSeconds(), o.resultsPerMinute(), t.base());
            List<Enrollment.Enrolled> earlier = saved == null ? List.of() : Identities.agents(saved);
            fleet.adopt(earlier.subList(0, Math.min(o.agents(), earlier.size())));
            if (!earlier.isEmpty()) {
                out.printf("%d agents from --identities %s, not enrolled again%n", fleet.size(), o.identities());
            }
            Runnable save = file == null ? () -> { } : () -> save(file, serverId, group, check, fleet);
            return drive(t, fleet, stats, memory, token, save);
        }
    }

    private void save(Identities file, String serverId, UUID group, UUID check, Agents fleet) {
        try {
            file.save(serverId, group, check, fleet.identities());
        } catch (IOException e) {
            out.println("could not save --identities: " + e.getMessage());
        }
    }

    /** Enrolls the fleet, runs it (or ramps it), drains it, prints the tables and the verdict. */
    private Outcome drive(Target t, Agents fleet, Stats stats, MemoryProbe memory, java.util.function.IntFunction<String> token,
                          Runnable saveIdentities) throws Exception {
        long started = System.nanoTime();
        AtomicBoolean reported = new AtomicBoolean();
        return UntilSignal.run("aami-bench-interrupted", () -> {
            if (reported.compareAndSet(false, true)) {
                interrupted(t, fleet, stats, started, saveIdentities);
            }
        }, () -> measure(t, fleet, stats, memory, token, saveIdentities, started, reported));
    }

    private Outcome measure(Target t, Agents fleet, Stats stats, MemoryProbe memory, java.util.function.IntFunction<String> token,
                            Runnable saveIdentities, long started, AtomicBoolean reported) throws Exception {
        fleet.grow(o.agents() - fleet.size(), token);
        out.printf("enrolled %d agents in %.1f s%n", fleet.size(), (System.nanoTime() - started) / 1e9);
        saveIdentities.run();
        long steady = System.nanoTime();
        Ramp.Result ramp = null;
        if (o.rampPerMinute() > 0) {
            ramp = new Ramp(o, fleet, stats, t.database(), out).run(token, started);
            saveIdentities.run();
        } else {
            // The duration is the time the whole fleet runs, after the last enrollment.
            TimeUnit.NANOSECONDS.sleep(o.duration().toNanos());
        }
        double steadySeconds = (System.nanoTime() - steady) / 1e9;
        MemoryProbe.Sample perAgent = fleet instanceof ProcessFleet children
                ? new MemoryProbe.Sample(0, children.rssBytes() / Math.max(1, fleet.size())) : memory.perAgent(fleet.size());
        int undrained = fleet.drainAndStop(DRAIN);
        fleet.collectStats();
        if (!reported.compareAndSet(false, true)) {
            // Interrupted while draining: the hook reports.
            return new Outcome(new ExactlyOnce.Verdict(0, 0, 0, 0, 0, 0), fleet.ledgers(), stats, true, 0);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.println();
        out.printf(Locale.ROOT, "%.1f s in all, %.1f s with the whole fleet running; rates are over the whole run%n", seconds,
                steadySeconds);
        out.print(Report.endpoints(stats, seconds));
        if (o.processes() > 1) {
            out.printf(Locale.ROOT, "memory per agent: %.1f KiB RSS of the %d simulator children together (%d agents)%n",
                    perAgent.rss() / 1024.0, o.processes(), fleet.size());
        } else {
            out.printf(Locale.ROOT, "memory per agent: %.1f KiB heap, %.1f KiB RSS (%d agents%s)%n", perAgent.heap() / 1024.0,
                    perAgent.rss() / 1024.0, fleet.size(), o.embedded() ? "; includes the embedded server's share" : "");
        }
        if (undrained > 0) {
            out.printf("%d agents still had unacknowledged results after %ss of draining (not counted as lost)%n",
                    undrained, DRAIN.toSeconds());
        }
        java.util.List<SimAgent.Ledger> ledgers = fleet.ledgers();
        ExactlyOnce.Verdict v = t.database().verify(ledgers);
        out.print(Report.verdict(v));
        out.print(Report.limits(stats));
        int held = ramp != null ? ramp.knee() : Report.held(fleet.size(), stats, v);
        out.print(Knee.goal(held, ramp != null ? "the knee of --ramp, judged minute by minute after the warm-up" : Report.heldHow(stats, v)));
        return new Outcome(v, ledgers, stats, ramp != null && ramp.lost(), held);
    }

    /**
     * Ctrl-C (or SIGTERM): stops the agents, prints what was measured so far and the exactly-once
     * verdict on what had been acknowledged (a batch in flight, stored but not acknowledged, is no loss),
     * saves {@code --identities}, then stops the embedded server.
     */
    private void interrupted(Target t, Agents fleet, Stats stats, long started, Runnable saveIdentities) {
        double seconds = (System.nanoTime() - started) / 1e9;
        try {
            fleet.close();
        } catch (RuntimeException e) {
            out.println("could not collect every simulator child's figures: " + e.getMessage());
        }
        out.printf(Locale.ROOT, "%ninterrupted after %.1f s with %d agents: the figures so far%n", seconds, fleet.size());
        out.print(Report.endpoints(stats, seconds));
        try {
            out.print(Report.verdict(t.database().verify(fleet.ledgers())));
        } catch (SQLException | RuntimeException e) {
            out.println("exactly-once (database): not checked, " + e.getMessage());
        }
        saveIdentities.run();
        out.flush();
        closeOnInterrupt.run();
    }

    /** {@code fleet} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return FleetOptions.USAGE;
        }

        @Override
        public int run(java.util.List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            return runSafely(FleetOptions.parse(args), out, err);
        }
    }

    static int runSafely(FleetOptions o, PrintStream out, PrintStream err) {
        try {
            return new FleetCommand(o, out).run().exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("aami-bench: interrupted");
            return EXIT_FAILED;
        } catch (IOException | RuntimeException | SQLException e) {
            err.println("aami-bench: the run failed: " + e.getMessage());
            return EXIT_FAILED;
        } catch (Exception e) {
            err.println("aami-bench: the run failed: " + e);
            return EXIT_FAILED;
        }
    }
}
