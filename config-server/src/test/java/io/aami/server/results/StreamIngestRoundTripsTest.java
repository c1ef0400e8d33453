package io.aami.server.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.results.ResultAck;
import io.aami.server.db.Database;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 (ingest benchmark): a batch that follows the stored ones, an agent's usual next batch,
 * costs one cursor statement and the commit, not four round trips (create, lock, advance, commit);
 * retries, gaps and new epochs still take the general path and stay exactly-once.
 */
class StreamIngestRoundTripsTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"));
    static final Api api = server.api();

    /** Counts what the driver sends on this thread that waits for an answer: a Sync, a simple query, a COPY's start and end. */
    static final class RoundTrips extends Handler {
        final AtomicInteger count = new AtomicInteger();
        final long thread = Thread.currentThread().getId();

        @Override
        public void publish(LogRecord r) {
            String m = r.getMessage();
            if (r.getLongThreadID() == thread && m != null
                    && (m.contains("FE=> Sync") || m.contains("FE=> SimpleQuery") || m.contains("FE=> Query(CopyStart)")
                    || m.contains("FE=> CopyDone"))) {
                count.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theNextBatchOfAStreamMovesItsCursorInOneStatement() {
        var coordinates = server.database();
        try (Database db = Database.connect(coordinates.url(), coordinates.user(), coordinates.password(), 2)) {
            PartitionMaintainer partitions = new PartitionMaintainer(db, List.of("check_results"), Duration.ofDays(7), 1, Clock.systemUTC());
            StreamIngest ingest = new StreamIngest(db, partitions, new ResultMetrics(new PrometheusRegistry(), List.of("checks")),
                    Clock.systemUTC());
            UUID target = Fixtures.enroll(api, "round-trips", null).id();
            UUID epoch = UUID.randomUUID();
            AtomicInteger written = new AtomicInteger();
            StreamIngest.Writer<Long> writer = (c, t, e, at, fresh) -> {
                written.addAndGet(fresh.size());
                return fresh.size();
            };

            assertThat(ingest.ingest(target, "checks", epoch, "check_results", seqs(1, 10), s -> s, writer).ackedSeq()).isEqualTo(10);
            RoundTrips trips = new RoundTrips();
            ResultAck next = counted(trips, () -> ingest.ingest(target, "checks", epoch, "check_results", seqs(11, 20), s -> s, writer));

            assertThat(next).isEqualTo(new ResultAck(20, 10, 0, 0));
            // The cursor's UPDATE and the COMMIT (a pool check of an idle connection may add one).
            assertThat(trips.count.get()).isBetween(1, 3);
            // A retry of it is all duplicates; a batch after a gap is stored and the gap counted.
            assertThat(ingest.ingest(target, "checks", epoch, "check_results", seqs(11, 20), s -> s, writer))
                    .isEqualTo(new ResultAck(20, 0, 10, 0));
            assertThat(ingest.ingest(target, "checks", epoch, "check_results", seqs(15, 25), s -> s, writer))
                    .isEqualTo(new ResultAck(25, 5, 6, 0));
            assertThat(ingest.ingest(target, "checks", epoch, "check_results", seqs(28, 30), s -> s, writer))
                    .isEqualTo(new ResultAck(30, 3, 0, 2));
            assertThat(written.get()).isEqualTo(10 + 10 + 5 + 3);
        }
    }

    private static ResultAck counted(RoundTrips trips, java.util.function.Supplier<ResultAck> work) {
        Logger driver = Logger.getLogger("org.postgresql");
        Level level = driver.getLevel();
        boolean parents = driver.getUseParentHandlers();
        driver.setLevel(Level.FINEST);
        driver.setUseParentHandlers(false);
        driver.addHandler(trips);
        try {
            return work.get();
        } finally {
            driver.removeHandler(trips);
            driver.setUseParentHandlers(parents);
            driver.setLevel(level);
        }
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
