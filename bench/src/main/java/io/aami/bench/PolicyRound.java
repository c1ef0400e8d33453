package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One measured change: {@code n} agents in a new group fetch their policy, park a long poll each
 * (the server's {@code aami_policy_long_polls_waiting} says when all are parked), then one global
 * check is created through the admin API and every agent's time to hold the new bundle is recorded,
 * from the moment the create request is sent (its commit is inside it: an upper bound by the create
 * call's own time, which is printed). An agent counts as served only with a bundle for itself, of a
 * higher version, holding the new check.
 */
final class PolicyRound {
    private static final int FETCHES_AT_ONCE = 32;

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
    private final FleetHttp http;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService retries;
    private final PolicyOptions o;
    private final PrintStream out;
    private final SecureRandom random = new SecureRandom();

    PolicyRound(EmbeddedTarget server, AdminApi admin, FleetHttp http, ObjectMapper mapper, ScheduledExecutorService retries,
                PolicyOptions o, PrintStream out) {
        this.server = server;
        this.admin = admin;
        this.http = http;
        this.mapper = mapper;
        this.retries = retries;
        this.o = o;
        this.out = out;
    }

    Result run(String label, int n) throws Exception {
        long started = System.nanoTime();
        String name = "bench-policy-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
        UUID group = admin.createGroup(name);
        List<LongPoller> agents = new ArrayList<>(n);
        for (Prefill.Identity id : identities(group, name, n)) {
            agents.add(new LongPoller(http, mapper, retries, id.id(), id.token(), o.pollWait()));
        }
        fetchAll(agents);
        agents.forEach(LongPoller::park);
        awaitParked(n);
        double setup = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%s: %d agents registered, fetched and parked in %.1f s; creating one global check%n", label, n,
                setup);
        long t0 = System.nanoTime();
        UUID check = admin.createGlobalCheck(name);
        double createMs = (System.nanoTime() - t0) / 1e6;
        CompletableFuture<Void> all = CompletableFuture.allOf(agents.stream().map(LongPoller::received)
                .toArray(CompletableFuture[]::new));
        try {
            all.get(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            agents.forEach(LongPoller::stop);
        }
        return tally(label, agents, check, t0, setup, createMs);
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

    /** Every agent's first fetch, a bounded number at once (the server computes each bundle afresh). */
    private void fetchAll(List<LongPoller> agents) throws Exception {
        Semaphore slots = new Semaphore(FETCHES_AT_ONCE);
        List<CompletableFuture<Long>> fetches = new ArrayList<>(agents.size());
        for (LongPoller a : agents) {
            slots.acquire();
            fetches.add(a.fetch().whenComplete((v, e) -> slots.release()));
        }
        CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).get(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void awaitParked(int n) throws InterruptedException {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        while (waiting() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + waiting() + " of " + n + " long polls parked after " + o.timeout());
            }
            Thread.sleep(50);
        }
    }

    private long waiting() {
        String prefix = "aami_policy_long_polls_waiting ";
        return admin.metrics().lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElse(0);
    }

    private Result tally(String label, List<LongPoller> agents, UUID check, long t0, double setup, double createMs)
            throws Exception {
        Histogram h = new Histogram(3_600_000_000L, 3);
        List<String> failures = new ArrayList<>();
        int served = 0;
        for (LongPoller a : agents) {
            LongPoller.Received r = a.received().get();
            PolicyBundle b = r.failure() != null ? null : read(r.body());
            String wrong = r.failure() != null ? r.failure()
                    : b == null ? "an unreadable bundle"
                    : !a.id().equals(b.targetId()) ? "a bundle for " + b.targetId()
                    : b.version() <= a.known() ? "version " + b.version() + " after " + a.known()
                    : b.checks().stream().map(CheckSpec::checkId).noneMatch(check::equals) ? "a bundle without the new check"
                    : null;
            if (wrong != null) {
                failures.add(a.id() + ": " + wrong);
                continue;
            }
            served++;
            h.recordValue(Math.max(1, (r.atNanos() - t0) / 1000));
        }
        return new Result(label, agents.size(), served, failures, h, setup, createMs);
    }

    private PolicyBundle read(byte[] body) {
        try {
            return mapper.readValue(body, PolicyBundle.class);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
