package io.aami.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Several appenders and one sender at once: every record delivered exactly once, in seq order. */
class ResultSpoolConcurrencyTest {
    private static final int APPENDERS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"NEVER, 2500", "INTERVAL, 1000", "ALWAYS, 60"})
    void everyRecordIsDeliveredExactlyOnceInOrder(FsyncPolicy fsync, int perAppender) throws Exception {
        SpoolFixture fx = new SpoolFixture();
        int total = APPENDERS * perAppender;
        // Small segments so appends roll and acks delete while the sender reads.
        SpoolOptions options = new SpoolOptions(64L << 20, 512, fsync, Duration.ofMillis(20));
        ExecutorService pool = Executors.newFixedThreadPool(APPENDERS + 1);
        try (ResultSpool spool = fx.open(dir, options)) {
            Future<List<String>> sender = pool.submit(() -> send(spool, total));
            List<Future<?>> appenders = new ArrayList<>();
            for (int t = 0; t < APPENDERS; t++) {
                int thread = t;
                appenders.add(pool.submit(() -> {
                    for (int i = 0; i < perAppender; i++) {
                        int n = i;
                        spool.append(seq -> (seq + "/" + thread + "/" + n).getBytes(StandardCharsets.UTF_8));
                    }
                }));
            }
            for (Future<?> a : appenders) {
                a.get(60, TimeUnit.SECONDS);
            }
            List<String> delivered = sender.get(60, TimeUnit.SECONDS);

            Set<String> unique = new HashSet<>();
            for (String d : delivered) {
                unique.add(d.substring(d.indexOf('/') + 1));
            }
            assertThat(delivered).hasSize(total);
            assertThat(unique).as("every appended result exactly once").hasSize(total);
            assertThat(spool.stats().pendingRecords()).isZero();
            assertThat(spool.stats().droppedRecords()).isZero();
            assertThat(SpoolFixture.segments(dir)).isEmpty();
            assertThat(fx.sample("aami_agent_spool_appended_total{stream=\"checks\"}")).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The sender: peek a batch, check it continues the sequence, ack it. */
    private static List<String> send(ResultSpool spool, int total) {
        List<String> delivered = new ArrayList<>();
        long expected = 1;
        while (delivered.size() < total) {
            if (!spool.awaitRecords(Duration.ofSeconds(30))) {
                throw new AssertionError("no records for 30 s after " + delivered.size());
            }
            List<SpoolRecord> batch = spool.peek(7);
            for (SpoolRecord r : batch) {
                String payload = new String(r.payload(), StandardCharsets.UTF_8);
                assertThat(r.seq()).isEqualTo(expected++);
                assertThat(payload).startsWith(r.seq() + "/");
                delivered.add(payload);
            }
            if (!batch.isEmpty()) {
                spool.ack(batch.get(batch.size() - 1).seq());
            }
        }
        return delivered;
    }
}
