package io.aami.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One measured phase of {@code probes}: {@code clients} threads, each on its own kept-alive connection, call one
 * peer as fast as it answers for a while; every answer is checked against {@link ProbeTargets}' rule. The
 * peer's CPU (a child process) is read just before the clients start and just after they stop.
 */
final class ProbeLoad {
    /** What one call does: runs probes {@code first}..., checks the answer, and counts into {@code tally}. */
    @FunctionalInterface
    interface Call {
        void run(KeepAliveHttp http, AtomicLong next, Tally tally) throws IOException;
    }

    /** Counts shared by a phase's clients. */
    static final class Tally {
        final LongAdder probes = new LongAdder();
        final LongAdder requests = new LongAdder();
        final LongAdder closedReportedFailed = new LongAdder();
        final LongAdder wrong = new LongAdder();
        final AtomicReference<String> firstProblem = new AtomicReference<>();

        /** Counts one probe's answer: {@code success} as reported, checked against what probe {@code i} should say. */
        void answer(long i, boolean success, String context) {
            probes.increment();
            boolean open = ProbeTargets.open(i);
            if (success != open) {
                problem("probe " + i + " to " + (open ? "a listener" : "the closed port") + " reported "
                        + (success ? "success" : "failure") + ": " + context);
            } else if (!open) {
                closedReportedFailed.increment();
            }
        }

        void problem(String what) {
            wrong.increment();
            firstProblem.compareAndSet(null, what.length() > 500 ? what.substring(0, 500) + "..." : what);
        }
    }

    /** A phase's outcome. */
    record Phase(long probes, long requests, long closedReportedFailed, long wrong, String firstProblem, long cpuNanos,
                 long wallNanos) {
        double perCpuSecond() {
            return cpuNanos <= 0 ? 0 : probes * 1e9 / cpuNanos;
        }

        double perWallSecond() {
            return wallNanos <= 0 ? 0 : probes * 1e9 / wallNanos;
        }

        double requestsPerCpuSecond() {
            return cpuNanos <= 0 ? 0 : requests * 1e9 / cpuNanos;
        }
    }

    private ProbeLoad() {
    }

    static Phase run(ChildProcess peer, int port, String token, int clients, Duration duration, Call call)
            throws IOException, InterruptedException {
        List<KeepAliveHttp> connections = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(new KeepAliveHttp(port, token));
            }
            return drive(peer, connections, duration, call);
        } finally {
            for (KeepAliveHttp c : connections) {
                c.close();
            }
        }
    }

    private static Phase drive(ChildProcess peer, List<KeepAliveHttp> connections, Duration duration, Call call)
            throws IOException, InterruptedException {
        Tally tally = new Tally();
        AtomicLong next = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong end = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (KeepAliveHttp http : connections) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    while (System.nanoTime() - end.get() < 0) {
                        tally.requests.increment();
                        call.run(http, next, tally);
                    }
                } catch (IOException | RuntimeException e) {
                    tally.problem("a request failed: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "probes-client");
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        ProcessStats before = peer.stats();
        long start = System.nanoTime();
        end.set(start + duration.toNanos());
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - start;
        ProcessStats after = peer.stats();
        return new Phase(tally.probes.sum(), tally.requests.sum(), tally.closedReportedFailed.sum(), tally.wrong.sum(),
                tally.firstProblem.get(), after.totalCpuNanosSince(before), wall);
    }
}
