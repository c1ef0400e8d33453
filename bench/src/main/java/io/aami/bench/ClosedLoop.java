package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Each agent sends one request, and the next as soon as the answer came, until the time is up: as many
 * requests in flight as agents, each on its agent's own connection. Counts answers by class.
 */
final class ClosedLoop {
    /** One request of one agent, sent again and again. */
    record Call(Object tag, String method, String path, byte[] body, String bearer) {
    }

    /** Answers within the phase: {@code ok} 2xx, {@code failed} anything else or none. */
    record Counted(long ok, long failed, long nanos) {
        double perSecond() {
            return ok / (nanos / 1e9);
        }
    }

    private final FleetHttp http;

    ClosedLoop(FleetHttp http) {
        this.http = http;
    }

    Counted run(Endpoint endpoint, List<Call> calls, Duration duration) throws InterruptedException {
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        CountDownLatch stopped = new CountDownLatch(calls.size());
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (Call c : calls) {
            loop(endpoint, c, deadline, ok, failed, stopped);
        }
        if (!stopped.await(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("requests still unanswered 30 s after the phase ended");
        }
        // Answers that arrived after the deadline are not counted: the rate is over the phase only.
        return new Counted(ok.sum(), failed.sum(), duration.toNanos());
    }

    private void loop(Endpoint endpoint, Call c, long deadline, LongAdder ok, LongAdder failed, CountDownLatch stopped) {
        http.send(c.tag(), endpoint, c.method(), c.path(), c.body(), c.bearer(), null, Duration.ofSeconds(30), a -> {
            if (System.nanoTime() >= deadline) {
                stopped.countDown();
                return;
            }
            (a.ok() ? ok : failed).increment();
            loop(endpoint, c, deadline, ok, failed, stopped);
        });
    }
}
