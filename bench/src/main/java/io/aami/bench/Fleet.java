package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The simulated agents of a run: enrolled in waves ({@link #grow}), each started as soon as it is
 * enrolled, stopped together ({@link #drainAndStop}). Timers run on {@link #TIMER_THREADS} threads and
 * every answer on the shared HTTP client's small pool, so the fleet's thread count does not grow with it.
 */
final class Fleet implements Agents {
    static final int TIMER_THREADS = 2;
    /**
     * Enrollments at once to start with: well below the server's {@code http.max_unauthenticated_in_flight}
     * (32) and its pool (16); the window then adapts ({@link EnrollWindow}) within {@link #LANES} lanes.
     */
    static final int ENROLL_CONCURRENCY = 8;
    static final int LANES = 16;

    private final FleetHttp http;
    private final Enrollment enrollment;
    private final SimAgent.Rhythm rhythm;
    private final String checkId;
    private final ObjectMapper mapper;
    private final boolean tls;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(TIMER_THREADS,
            io.aami.common.concurrent.DaemonThreads.factory("bench-timer"));
    private final List<SimAgent> agents = new CopyOnWriteArrayList<>();
    private final List<Enrollment.Enrolled> identities = new CopyOnWriteArrayList<>();
    private AutoCloseable owned = () -> { };

    /**
     * What a fleet needs to run: the server's replicas (each agent talks to one), TLS (then the CA file
     * the agents trust) or agent tokens, the run's check, the rhythm. A simulator child gets the same.
     */
    record Spec(List<java.net.URI> bases, boolean tls, java.nio.file.Path caFile, UUID check, SimAgent.Rhythm rhythm) {
    }

    /** A fleet in this JVM with an HTTP client of its own (closed with it), connecting from {@code bind} (null: any). */
    static Fleet open(Spec spec, java.net.InetAddress bind, Stats stats) throws java.io.IOException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        ObjectMapper mapper = io.aami.common.json.WireJson.mapper();
        FleetTls tls = spec.tls() ? new FleetTls(io.aami.common.pki.Pem.readCertificate(spec.caFile()), random) : null;
        PerAgentSslContextFactory ssl = tls == null ? null : new PerAgentSslContextFactory(tls.trustOnly());
        FleetHttp http = new FleetHttp(spec.bases(), bind, ssl, stats);
        Fleet fleet = new Fleet(http, new Enrollment(http, mapper, tls, ssl, random), spec.rhythm(), spec.check(), mapper, spec.tls());
        fleet.owned = http;
        return fleet;
    }

    Fleet(FleetHttp http, Enrollment enrollment, SimAgent.Rhythm rhythm, UUID checkId, ObjectMapper mapper, boolean tls) {
        this.http = http;
        this.enrollment = enrollment;
        this.rhythm = rhythm;
        this.checkId = checkId.toString();
        this.mapper = mapper;
        this.tls = tls;
    }

    @Override
    public int size() {
        return agents.size();
    }

    /**
     * Enrolls {@code count} more agents and starts each one; returns when all run. Each of the
     * {@link #LANES} lanes enrolls its share one after another with a bootstrap token of its own
     * ({@code tokenForUses}): the server serializes enrollments of one token. How many lanes send at
     * once is the enrollment window's choice.
     */
    @Override
    public void grow(int count, IntFunction<String> tokenForUses) throws InterruptedException {
        if (count <= 0) {
            return;
        }
        int[] shares = laneShares(count);
        int lanes = shares.length;
        int first = agents.size();
        ExecutorService pool = Executors.newFixedThreadPool(lanes, io.aami.common.concurrent.DaemonThreads.factory("bench-enroll"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                int share = shares[lane];
                String token = tokenForUses.apply(share);
                int l = lane;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        int n = first + l + i * lanes;
                        start(enrollment.enroll(token, String.format("bench-%07d", n), "enroll-" + l));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** How {@link #grow} splits {@code count} enrollments over its lanes, in lane order (one bootstrap token each). */
    static int[] laneShares(int count) {
        int lanes = Math.min(LANES, count);
        int[] shares = new int[lanes];
        for (int lane = 0; lane < lanes; lane++) {
            shares[lane] = count / lanes + (lane < count % lanes ? 1 : 0);
        }
        return shares;
    }

    /** Starts agents enrolled in an earlier run ({@code --identities}) without enrolling them again. */
    @Override
    public void adopt(List<Enrollment.Enrolled> earlier) {
        for (Enrollment.Enrolled e : earlier) {
            enrollment.adopt(e);
            start(e);
        }
    }

    private void start(Enrollment.Enrolled e) {
        SimAgent a = new SimAgent(e.id(), tls ? null : e.agentToken(), checkId, rhythm, http, timers, mapper);
        identities.add(e);
        agents.add(a);
        a.start();
    }

    /** Every agent's identity, in the order they started. */
    @Override
    public List<Enrollment.Enrolled> identities() {
        return List.copyOf(identities);
    }

    /** How many agents had a heartbeat answered 2xx after {@code sinceNanos} ({@link System#nanoTime()}). */
    @Override
    public int heartbeatingSince(long sinceNanos) {
        return (int) agents.stream().filter(a -> a.lastHeartbeatOk() - sinceNanos > 0).count();
    }

    /** Stops making results, waits up to {@code grace} for every pending one to be acknowledged, then stops. */
    @Override
    public int drainAndStop(java.time.Duration grace) throws InterruptedException {
        agents.forEach(SimAgent::stopProducing);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && !agents.stream().allMatch(SimAgent::drained)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        int undrained = (int) agents.stream().filter(a -> !a.drained()).count();
        agents.forEach(SimAgent::stop);
        return undrained;
    }

    @Override
    public List<SimAgent.Ledger> ledgers() {
        return agents.stream().map(SimAgent::ledger).toList();
    }

    @Override
    public void markHandshakes() {
        http.markHandshakes();
    }

    @Override
    public Handshakes.Counts handshakes() {
        return http.handshakes();
    }

    @Override
    public void close() {
        agents.forEach(SimAgent::stop);
        timers.shutdownNow();
        try {
            owned.close();
        } catch (Exception e) {
            // stopping: nothing left to report to
        }
    }
}
