package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.bench.Stats.Endpoint;
import io.aami.contract.ApiPaths;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ResultAck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every agent delivers its stream as fast as the server acknowledges it: one batch in flight, the next
 * sent as soon as the previous is acknowledged, a refused one sent again after the server's
 * {@code Retry-After} (else 200 ms). Bodies are encoded before the clock starts, as the peer's file is
 * written before its clock starts. Returns each agent's ledger for the exactly-once check.
 */
final class IngestLoad {
    /** One agent's stream: its results, seq 1..n in order, in {@code epoch}; those up to {@code acked} already delivered. */
    record Stream(Enrollment.Enrolled agent, String bearer, UUID epoch, List<CheckResult> results, long acked) {
    }

    /** What the load did: the ledgers, wall time from the first send to the last acknowledgement, refusals seen. */
    record Done(List<SimAgent.Ledger> ledgers, long nanos, long refused, boolean finished) {
    }

    private final FleetHttp http;
    private final ObjectMapper mapper;
    private final int batch;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            io.aami.common.concurrent.DaemonThreads.factory("bench-retry"));
    private final AtomicLong refused = new AtomicLong();

    IngestLoad(FleetHttp http, ObjectMapper mapper, int batch) {
        this.http = http;
        this.mapper = mapper;
        this.batch = batch;
    }

    Done run(List<Stream> streams, Duration limit) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(streams.size());
        List<Sender> senders = streams.stream().map(s -> new Sender(s, done)).toList();
        long start = System.nanoTime();
        senders.forEach(Sender::start);
        boolean finished = done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        long nanos = System.nanoTime() - start;
        retries.shutdownNow();
        return new Done(senders.stream().map(Sender::ledger).toList(), nanos, refused.get(), finished);
    }

    private final class Sender {
        private final Stream s;
        private final CountDownLatch done;
        private final byte[][] bodies;
        private volatile long acked;

        Sender(Stream s, CountDownLatch done) {
            this.s = s;
            this.done = done;
            this.acked = s.acked();
            int n = (s.results().size() + batch - 1) / batch;
            bodies = new byte[n][];
            for (int i = 0; i < n; i++) {
                bodies[i] = body((long) i * batch);
            }
        }

        void start() {
            if (acked >= s.results().size()) {
                done.countDown();
            } else {
                send();
            }
        }

        void send() {
            // Batches are whole windows of `batch` results; an acknowledgement inside one (never expected) is re-cut.
            int i = (int) (acked / batch);
            byte[] body = acked % batch == 0 ? bodies[i] : body(acked);
            http.send(s.agent().id(), Endpoint.CHECK_RESULTS, "POST", ApiPaths.withId(ApiPaths.CHECK_RESULTS, s.agent().id()), body,
                    s.bearer(), null, Duration.ofSeconds(60), this::answered);
        }

        private void answered(FleetHttp.Answer a) {
            ResultAck ack = a.ok() ? ack(a.body()) : null;
            if (ack == null) {
                refused.incrementAndGet();
                long wait = a.retryAfterSeconds() >= 0 ? a.retryAfterSeconds() * 1000 : 200;
                retries.schedule(this::send, wait, TimeUnit.MILLISECONDS);
                return;
            }
            acked = Math.max(acked, ack.ackedSeq());
            if (acked >= s.results().size()) {
                done.countDown();
            } else {
                send();
            }
        }

        private byte[] body(long from) {
            List<CheckResult> part = s.results().subList((int) from, (int) Math.min(s.results().size(), from + batch));
            try {
                return mapper.writeValueAsBytes(new CheckResultBatch(s.epoch().toString(), part));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private ResultAck ack(byte[] body) {
            try {
                return mapper.readValue(body, ResultAck.class);
            } catch (IOException e) {
                return null;
            }
        }

        SimAgent.Ledger ledger() {
            return new SimAgent.Ledger(s.agent().id(), s.epoch(), acked, s.results().size());
        }
    }
}
