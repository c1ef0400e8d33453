package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * One measured change: {@code n} agents in a new group fetch their policy, park a long poll each
 * (the servers' {@code aami_policy_long_polls_waiting}, summed over the replicas, says when all are parked),
 * then one global check is created through the admin API and every agent's time to hold the new bundle is
 * recorded, from the moment the create request is sent (its commit is inside it: an upper bound by the create
 * call's own time, which is printed). An agent counts as served only with a bundle for itself, of a
 * higher version, holding the new check ({@link PolledAgents}). The agents run where {@link Pollers} puts them.
 */
final class PolicyRound {
    /** What one round measured; {@code latencyMicros} holds one value per served agent. */
    record Result(String label, int agents, int served, List<String> failures, Histogram latencyMicros, double setupSeconds,
                  double createMillis) {
        boolean ok() {
            return failures.isEmpty() && served == agents;
        }

        double ms(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private final EmbeddedTarget server;
    private final AdminApi admin;
    private final List<AdminApi> replicas;
    private final FleetHttp http;
    private final Pollers pollers;
    private final ObjectMapper mapper;
    private final PolicyOptions o;
    private final PrintStream out;
    private final SecureRandom random = new SecureRandom();
    private String lastScrapeError;
    private final long[] lastReadings;

    /**
     * @param replicas each replica's admin API (its {@code /metrics}), the first's first
     * @param http     the round's client in this JVM, for {@code --enroll api}
     */
    PolicyRound(EmbeddedTarget server, AdminApi admin, List<AdminApi> replicas, FleetHttp http, Pollers pollers, ObjectMapper mapper,
                PolicyOptions o, PrintStream out) {
        this.server = server;
        this.admin = admin;
        this.replicas = replicas;
        this.lastReadings = new long[replicas.size()];
        java.util.Arrays.fill(lastReadings, -1);
        this.http = http;
        this.pollers = pollers;
        this.mapper = mapper;
        this.o = o;
        this.out = out;
    }

    /** @param cpu CPU of the run's processes over the change, printed after it; null for none */
    Result run(String label, int n, PolicyCpu cpu) throws Exception {
        long started = System.nanoTime();
        String name = "bench-policy-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
        UUID group = admin.createGroup(name);
        pollers.fetchAndPark(identities(group, name, n), o.timeout());
        awaitParked(n);
        double setup = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%s: %d agents registered, fetched and parked in %.1f s; creating one global check%n", label, n,
                setup);
        PolicyCpu.Mark before = cpu == null ? null : cpu.mark();
        long t0 = System.nanoTime();
        UUID check = admin.createGlobalCheck(name);
        double createMs = (System.nanoTime() - t0) / 1e6;
        PolledAgents.Outcome held = pollers.await(check, o.timeout());
        if (cpu != null) {
            out.println("  " + cpu.report(before, n));
        }
        return tally(label, n, held, t0, setup, createMs);
    }

    private List<Prefill.Identity> identities(UUID group, String name, int n) throws Exception {
        if (!o.apiEnrollment()) {
            return Prefill.targets(server.database(), group, name, n, random);
        }
        String token = admin.createBootstrapToken(name, group, n);
        Enrollment enrollment = new Enrollment(http, mapper, null, null, random);
        List<Prefill.Identity> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Enrollment.Enrolled e = enrollment.enroll(token, name + "-" + i, "enroll-" + (i % 8));
            out.add(new Prefill.Identity(e.id(), e.agentToken()));
        }
        return out;
    }

    /**
     * Until every poll is parked; fails when {@code --timeout} passes without one more. A scrape that fails (a replica
     * busy answering tens of thousands of fetches) counts as no progress; the next waits four times as long as the
     * last scrape took, so that counting takes at most a fifth of a server thread.
     */
    private void awaitParked(int n) throws InterruptedException {
        // Each poll is renewed every --poll-wait: with tens of thousands some are always on their way back (a longer wait helps).
        Progress progress = new Progress(o.timeout(), "long polls parked (renewed every --poll-wait)", n);
        while (true) {
            long start = System.nanoTime();
            long parked = waiting();
            if (parked >= n) {
                return;
            }
            try {
                progress.check(parked);
            } catch (IllegalStateException stalled) {
                throw new IllegalStateException(stalled.getMessage() + (lastScrapeError == null ? "" : "; last scrape: " + lastScrapeError));
            }
            Thread.sleep(Math.max(50, (System.nanoTime() - start) * 4 / 1_000_000));
        }
    }

    /**
     * Long polls parked on every replica together (each counts those it holds). A replica whose scrape fails (busy
     * with its share of the polls arriving) counts with its last reading; -1 until each has answered once.
     */
    private long waiting() {
        String prefix = "aami_policy_long_polls_waiting ";
        long sum = 0;
        for (int i = 0; i < replicas.size(); i++) {
            try {
                lastReadings[i] = replicas.get(i).metrics().lines().filter(l -> l.startsWith(prefix))
                        .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElse(0);
            } catch (IllegalStateException e) {
                lastScrapeError = e.getMessage();
            }
            if (lastReadings[i] < 0) {
                return -1;
            }
            sum += lastReadings[i];
        }
        return sum;
    }

    /**
     * Each served agent's time from {@code t0} (this JVM's nanoTime as the create request left) to its bundle held
     * (the nanoTime of the process that ran it). System.nanoTime is CLOCK_MONOTONIC on Linux HotSpot, one clock for
     * every process of the machine, so a child's instants and this JVM's subtract: the durations are computed here.
     */
    private static Result tally(String label, int n, PolledAgents.Outcome held, long t0, double setup, double createMs) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (long at : held.heldAtNanos()) {
            h.recordValue(Math.max(1, (at - t0) / 1000));
        }
        return new Result(label, n, held.heldAtNanos().size(), held.failures(), h, setup, createMs);
    }
}
