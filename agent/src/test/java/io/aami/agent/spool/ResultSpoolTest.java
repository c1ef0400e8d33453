package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.appendN;
import static io.aami.agent.spool.SpoolFixture.options;
import static io.aami.agent.spool.SpoolFixture.segments;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static io.aami.agent.spool.SpoolFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolTest {
    @TempDir
    Path dir;

    private final SpoolFixture fx = new SpoolFixture();

    @Test
    void peekReturnsTheOldestPendingRecordsInOrderUntilAcked() {
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(appendN(spool, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);

            List<SpoolRecord> first = spool.peek(3);
            assertThat(seqs(first)).containsExactly(1L, 2L, 3L);
            assertThat(text(first.get(1))).isEqualTo("{\"seq\":2,\"status\":\"ok\"}");
            assertThat(first.get(0).appendedAt()).isEqualTo(SpoolFixture.CLOCK.instant());
            assertThat(seqs(spool.peek(3))).as("not acked: the same again").containsExactly(1L, 2L, 3L);

            spool.ack(2);
            assertThat(seqs(spool.peek(10))).containsExactly(3L, 4L, 5L);
            spool.ack(2);
            spool.ack(1);
            assertThat(seqs(spool.peek(10))).as("acking again or less is a no-op").containsExactly(3L, 4L, 5L);

            spool.ack(5);
            assertThat(spool.peek(10)).isEmpty();
            assertThat(spool.stats().pendingRecords()).isZero();
        }
    }

    @Test
    void ackWithoutPeekAndAcrossSegmentsDeletesWhatIsDone() {
        // 4 KiB segments and ~60-byte records: 200 records span several segments.
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 200);
            int before = segments(dir).size();
            assertThat(before).isGreaterThan(2);

            spool.ack(150);
            assertThat(segments(dir).size()).isLessThan(before);
            assertThat(seqs(spool.peek(1))).containsExactly(151L);
            assertThat(spool.stats().pendingRecords()).isEqualTo(50);

            assertThat(seqs(spool.peek(30))).first().isEqualTo(151L);
            spool.ack(170); // partly from what peek returned, partly beyond
            assertThat(seqs(spool.peek(100))).hasSize(30).first().isEqualTo(171L);
        }
    }

    @Test
    void fullAckDeletesEverySegmentAndSpoolCarriesOn() {
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 300);
            assertThat(spool.peek(300)).hasSize(300);
            spool.ack(300);

            assertThat(segments(dir)).isEmpty();
            SpoolStats s = spool.stats();
            assertThat(s.bytes()).isZero();
            assertThat(s.segments()).isZero();
            assertThat(s.pendingRecords()).isZero();
            assertThat(s.oldestPendingAppendedAt()).isNull();
            assertThat(s.ackedSeq()).isEqualTo(300);

            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(301);
            assertThat(seqs(spool.peek(10))).containsExactly(301L);
        }
    }

    @Test
    void seqAndAckSurviveACleanRestartWithoutGap() {
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 10);
            spool.peek(4);
            spool.ack(4);
        }
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(seqs(spool.peek(100))).as("acked records are not delivered again")
                    .containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(spool.stats().pendingRecords()).isEqualTo(6);
            assertThat(spool.append(SpoolFixture::payload)).as("clean close: no gap").isEqualTo(11);
            spool.ack(11);
        }
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(spool.peek(100)).isEmpty();
            assertThat(spool.append(SpoolFixture::payload)).as("all acked and deleted: still no reuse").isEqualTo(12);
        }
    }

    @Test
    void awaitRecordsWakesOnAppendAndOnClose() throws Exception {
        ResultSpool spool = fx.open(dir);
        try {
            assertThat(spool.awaitRecords(Duration.ofMillis(20))).isFalse();

            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> spool.awaitRecords(Duration.ofSeconds(30)));
            Thread.sleep(50);
            spool.append(SpoolFixture::payload);
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(spool.awaitRecords(Duration.ZERO)).as("already pending").isTrue();

            spool.ack(1);
            CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(() -> spool.awaitRecords(Duration.ofSeconds(30)));
            Thread.sleep(50);
            long start = System.nanoTime();
            spool.close();
            assertThat(closing.get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            spool.close();
        }
    }

    @Test
    void closedSpoolRefusesWorkAndReleasesTheDirectory() {
        // An hour-long fsync interval: close must not wait for the next tick.
        ResultSpool spool = fx.open(dir, new SpoolOptions(1 << 20, 4096, FsyncPolicy.INTERVAL, Duration.ofHours(1)));
        spool.append(SpoolFixture::payload);
        long start = System.nanoTime();
        spool.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        spool.close(); // idempotent

        assertThatThrownBy(() -> spool.append(SpoolFixture::payload)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> spool.peek(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> spool.ack(1)).isInstanceOf(IllegalStateException.class);
        assertThat(spool.awaitRecords(Duration.ofSeconds(10))).isFalse();
        assertThat(spool.stats().pendingRecords()).isEqualTo(1);

        try (ResultSpool again = fx.open(dir)) {
            assertThat(seqs(again.peek(10))).containsExactly(1L);
        }
    }

    @Test
    void aDirectoryCanBeOpenOnlyOnce() {
        try (ResultSpool spool = fx.open(dir)) {
            assertThatThrownBy(() -> ResultSpool.open(dir, SpoolOptions.defaults(), SpoolFixture.CLOCK,
                    new SpoolFixture().metrics.forStream("checks")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
            spool.append(SpoolFixture::payload);
            assertThat(seqs(spool.peek(10))).containsExactly(1L);
        }
    }

    @Test
    void badPayloadsAndAcksFailWithoutUsingASeq() {
        try (ResultSpool spool = fx.open(dir, options(8192, 256, FsyncPolicy.NEVER))) {
            assertThatThrownBy(() -> spool.append(seq -> new byte[300]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("300 bytes").hasMessageContaining("228");
            assertThatThrownBy(() -> spool.append(seq -> null)).hasMessageContaining("encode returned null");
            assertThatThrownBy(() -> spool.append(seq -> {
                throw new IllegalStateException("encoder broke");
            })).hasMessage("encoder broke");
            assertThat(spool.append(seq -> new byte[228])).as("the failed appends used no seq").isEqualTo(1);

            assertThatThrownBy(() -> spool.ack(2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("throughSeq 2 was never appended");
            assertThatThrownBy(() -> spool.peek(0)).hasMessageContaining("max must be at least 1");
            assertThat(spool.peek(5)).hasSize(1);
        }
    }

    @Test
    void encodeCannotAppendToTheSameSpool() {
        try (ResultSpool spool = fx.open(dir)) {
            assertThatThrownBy(() -> spool.append(seq -> {
                spool.append(SpoolFixture::payload);
                return SpoolFixture.payload(seq);
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside encode");
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(1);
            assertThat(seqs(spool.peek(10))).containsExactly(1L);
        }
    }

    @Test
    void anInterruptedAppenderStillAppendsAndKeepsItsInterrupt() {
        try (ResultSpool spool = fx.open(dir, options(1 << 20, 4096, FsyncPolicy.ALWAYS))) {
            Thread.currentThread().interrupt();
            try {
                assertThat(spool.append(SpoolFixture::payload)).isEqualTo(1);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(2);
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L);
        }
    }

    @Test
    void statsReportSizeAgeAndSeqs() throws Exception {
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 3);
            spool.ack(1);
            SpoolStats s = spool.stats();
            assertThat(s.pendingRecords()).isEqualTo(2);
            assertThat(s.oldestPendingAppendedAt()).isEqualTo(SpoolFixture.CLOCK.instant());
            assertThat(s.bytes()).isEqualTo(Files.size(segments(dir).get(0)));
            assertThat(s.segments()).isEqualTo(1);
            assertThat(s.nextSeq()).isEqualTo(4);
            assertThat(s.ackedSeq()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("acked"), StandardCharsets.UTF_8).trim()).isEqualTo("1");
        }
    }
}
