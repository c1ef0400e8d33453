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
final class Fleet implements AutoCloseable {
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

    Fleet(FleetHttp http, Enrollment enrollment, SimAgent.Rhythm rhythm, UUID checkId, ObjectMapper mapper, boolean tls) {
        this.http = http;
        this.enrollment = enrollment;
        this.rhythm = rhythm;
        this.checkId = checkId.toString();
        this.mapper = mapper;
        this.tls = tls;
    }

    int size() {
        return agents.size();
    }

    /**
     * Enrolls {@code count} more agents and starts each one; returns when all run. Each of the
     * {@link #LANES} lanes enrolls its share one after another with a bootstrap token of its own
     * ({@code tokenForUses}): the server serializes enrollments of one token. How many lanes send at
     * once is the enrollment window's choice.
     */
    void grow(int count, IntFunction<String> tokenForUses) throws InterruptedException {
        if (count <= 0) {
            return;
        }
        int lanes = Math.min(LANES, count);
        int first = agents.size();
        ExecutorService pool = Executors.newFixedThreadPool(lanes, io.aami.common.concurrent.DaemonThreads.factory("bench-enroll"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                int share = count / lanes + (lane < count % lanes ? 1 : 0);
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

    /** Starts agents enrolled in an earlier run ({@code --identities}) without enrolling them again. */
    void adopt(List<Enrollment.Enrolled> earlier) {
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
    List<Enrollment.Enrolled> identities() {
        return List.copyOf(identities);
    }

    /** How many agents had a heartbeat answered 2xx after {@code sinceNanos} ({@link System#nanoTime()}). */
    int heartbeatingSince(long sinceNanos) {
        return (int) agents.stream().filter(a -> a.lastHeartbeatOk() - sinceNanos > 0).count();
    }

    /** Stops making results, waits up to {@code grace} for every pending one to be acknowledged, then stops. */
    int drainAndStop(java.time.Duration grace) throws InterruptedException {
        agents.forEach(SimAgent::stopProducing);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && !agents.stream().allMatch(SimAgent::drained)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        int undrained = (int) agents.stream().filter(a -> !a.drained()).count();
        agents.forEach(SimAgent::stop);
        return undrained;
    }

    List<SimAgent.Ledger> ledgers() {
        return agents.stream().map(SimAgent::ledger).toList();
    }

    @Override
    public void close() {
        agents.forEach(SimAgent::stop);
        timers.shutdownNow();
    }
}
