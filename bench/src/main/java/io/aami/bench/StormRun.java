package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.common.pki.Pem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One reconnect storm against one embedded server: enroll the agents (or start them from
 * {@code --identities}), wait until every one has heartbeated, restart the server (stop, wait
 * {@code down}, start on the same port and directory), and time until every agent's heartbeat is
 * answered again, counting the TLS handshakes the reconnections made.
 */
final class StormRun {
    private static final Duration POLICY_WAIT = Duration.ofSeconds(55);
    private static final long POLL_MILLIS = 50;

    /**
     * What one storm measured. {@code backSeconds}: from the server listening again until every agent
     * heartbeated (NaN if some never did within the timeout); {@code fromStopSeconds} the same from the
     * moment the old server had stopped; {@code stopSeconds} how long its graceful stop took.
     */
    record Result(boolean tls, int agents, int reused, double enrollSeconds, double stopSeconds, double restartSeconds,
                  double backSeconds, double fromStopSeconds, int cameBack, Handshakes.Counts handshakes, Stats stats,
                  StormCurve curve) {
        boolean allBack() {
            return cameBack == agents;
        }
    }

    private final StormOptions o;
    private final PrintStream out;

    StormRun(StormOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    /** @param identities null to enroll every agent */
    Result run(Replicas servers, boolean tls, Path identities) throws Exception {
        EmbeddedTarget server = servers.first();
        ObjectMapper mapper = WireJson.mapper();
        SecureRandom random = new SecureRandom();
        X509Certificate ca = tls ? Pem.readCertificate(server.caFile()) : null;
        FleetTls fleetTls = tls ? new FleetTls(ca, random) : null;
        AdminApi admin = new AdminApi(server.base(), server.adminToken(), mapper, tls ? fleetTls.trustOnly() : null);
        // Without TLS the agents are this server's too (same directory, same CA): the peer's file is tied to it as well.
        String serverId = tls ? Pem.sha256Hex(ca) : identities == null || !java.nio.file.Files.exists(server.caFile()) ? "-"
                : "no-tls " + Pem.sha256Hex(Pem.readCertificate(server.caFile()));
        Identities file = identities == null ? null : new Identities(identities, mapper);
        Identities.Saved saved = file == null ? null : file.load();
        if (saved != null && !saved.server().equals(serverId)) {
            throw new IOException("--identities " + identities + " belongs to another server (CA " + saved.server() + ")");
        }
        String name = "storm-" + UUID.randomUUID().toString().substring(0, 8);
        UUID group = saved != null ? saved.group() : admin.createGroup(name);
        UUID check = saved != null ? saved.check() : admin.createCheck(name, group);
        Stats stats = new Stats();
        SimAgent.Rhythm rhythm = new SimAgent.Rhythm(o.heartbeat(), 0, POLICY_WAIT);
        String capacity = FleetSpread.capacityWarning(o.agents(), o.processes(), o.replicas());
        if (capacity != null) {
            out.println(capacity);
        }
        try (Agents fleet = FleetSpread.open(o.processes(), new Fleet.Spec(servers.bases(), tls, tls ? server.caFile() : null, check,
                rhythm), stats, out)) {
            long started = System.nanoTime();
            List<Enrollment.Enrolled> earlier = saved == null ? List.of() : Identities.agents(saved);
            int reused = Math.min(o.agents(), earlier.size());
            fleet.adopt(earlier.subList(0, reused));
            fleet.grow(o.agents() - reused, uses -> admin.createBootstrapToken(name + "-" + UUID.randomUUID(), group, uses));
            double enrollSeconds = seconds(started);
            if (file != null && reused < o.agents()) {
                file.save(serverId, group, check, fleet.identities());
            }
            out.printf(Locale.ROOT, "%s: %d agents (%d from --identities, the rest enrolled in %.1f s), heartbeat %ss%n",
                    label(tls), o.agents(), reused, enrollSeconds, o.heartbeat().toSeconds());
            if (!settle(fleet, started)) {
                throw new IllegalStateException("not every agent heartbeated before the restart ("
                        + fleet.heartbeatingSince(started) + " of " + o.agents() + ")");
            }
            return storm(servers, fleet, stats, tls, reused, enrollSeconds);
        }
    }

    private Result storm(Replicas server, Agents fleet, Stats stats, boolean tls, int reused,
                         double enrollSeconds) throws InterruptedException, IOException {
        StormCpu cpu = StormCpu.start(fleet);
        long stopping = System.nanoTime();
        server.stop();
        // From here no answer can come from the old server: every heartbeat answered is the new one's.
        long stop = System.nanoTime();
        fleet.markHandshakes();
        Handshakes.Counts before = fleet.handshakes();
        TimeUnit.MILLISECONDS.sleep(o.down().toMillis());
        server.start();
        long back = System.nanoTime();
        StormCurve curve = new StormCurve(back, fleet.handshakes());
        int cameBack = await(fleet, stop, back + o.timeout().toNanos(), curve);
        long done = System.nanoTime();
        Handshakes.Counts hs = fleet.handshakes().minus(before);
        fleet.collectStats();
        boolean all = cameBack == o.agents();
        Result r = new Result(tls, o.agents(), reused, enrollSeconds, (stop - stopping) / 1e9, (back - stop) / 1e9 - o.down().toMillis() / 1e3,
                all ? (done - back) / 1e9 : Double.NaN, all ? (done - stop) / 1e9 : Double.NaN, cameBack, hs, stats, curve);
        out.printf(Locale.ROOT, "  restart: stopped in %.1f s, down %.1f s, started again in %.1f s; %d of %d agents heartbeating"
                        + " again %.1f s after it listened (%.1f s after it stopped)%n", r.stopSeconds(), o.down().toMillis() / 1e3,
                r.restartSeconds(), cameBack, o.agents(), (done - back) / 1e9, (done - stop) / 1e9);
        out.println("  answers other than 2xx and 304 (io: none): " + failures(stats));
        if (tls) {
            out.printf("  TLS handshakes during the storm: %d full, %d resumed (%d of them sessions from before the restart), %d failed%n",
                    hs.full(), hs.resumed(), hs.resumedOld(), hs.failed());
        }
        out.println("  " + cpu.report(o.agents(), server.childPids()));
        out.printf(Locale.ROOT, "  connection rate after the restart (each second from the server listening again; peak %d new"
                + " connections in a second):%n%s", curve.peak(), curve.render(tls));
        return r;
    }

    /** Polls until every agent heartbeated since {@code stop} or {@code deadline}, sampling the curve each second. */
    private int await(Agents fleet, long stop, long deadline, StormCurve curve) throws InterruptedException {
        int cameBack = fleet.heartbeatingSince(stop);
        while (cameBack < o.agents() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            cameBack = fleet.heartbeatingSince(stop);
            if (curve.due(System.nanoTime())) {
                curve.sample(fleet.handshakes(), cameBack);
            }
        }
        curve.sample(fleet.handshakes(), cameBack);
        return cameBack;
    }

    /** Per endpoint, the answers that were neither 2xx nor 304: a restart's 503s, and anything worse. */
    private static String failures(Stats stats) {
        StringBuilder sb = new StringBuilder();
        for (Stats.Endpoint e : Stats.Endpoint.values()) {
            stats.statuses(e).forEach((status, n) -> {
                if (!status.startsWith("2") && !status.equals("304")) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(e.label).append(' ').append(status).append('=').append(n);
                }
            });
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /**
     * Waits until every agent has had a heartbeat answered since the fleet started: two intervals and
     * {@code --timeout} at most, since starting a fleet is a storm of its own (every agent handshakes,
     * while the JIT still compiles).
     */
    private boolean settle(Agents fleet, long started) throws InterruptedException {
        long deadline = System.nanoTime() + o.heartbeat().multipliedBy(2).plus(o.timeout()).toNanos();
        while (fleet.heartbeatingSince(started) < o.agents()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return true;
    }

    static String label(boolean tls) {
        return tls ? "storm, mutual TLS" : "peer, no TLS";
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
