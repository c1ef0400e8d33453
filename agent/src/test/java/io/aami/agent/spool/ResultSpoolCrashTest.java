package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.appendN;
import static io.aami.agent.spool.SpoolFixture.crashCopy;
import static io.aami.agent.spool.SpoolFixture.options;
import static io.aami.agent.spool.SpoolFixture.segments;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts after a crash: the files are copied while the spool is open, as kill -9 would leave them. */
class ResultSpoolCrashTest {
    @TempDir
    Path tmp;

    private final SpoolFixture fx = new SpoolFixture();

    @Test
    void aCrashNeverLeadsToAReusedSeqAndLosesNoAppendedRecord() throws Exception {
        Path dir = tmp.resolve("spool");
        Path crashed;
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 7);
            spool.peek(3);
            spool.ack(3);
            crashed = crashCopy(dir, tmp.resolve("crashed"));
            appendN(spool, 2);
        }
        try (ResultSpool spool = new SpoolFixture().open(crashed)) {
            assertThat(seqs(spool.peek(100))).containsExactly(4L, 5L, 6L, 7L);
            long next = spool.append(SpoolFixture::payload);
            assertThat(next).as("seqs 8 and 9 may have reached the server before the crash").isGreaterThan(9);
            assertThat(next).as("gap of at most one reserved block").isLessThanOrEqualTo(1 + SeqAllocator.RESERVE_BLOCK);
            assertThat(seqs(spool.peek(100))).containsExactly(4L, 5L, 6L, 7L, next);
        }
    }

    @Test
    void aCrashAfterEverythingWasAckedAndDeletedStillNeverReusesASeq() throws Exception {
        Path dir = tmp.resolve("spool");
        Path crashed;
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 5);
            spool.ack(5);
            assertThat(segments(dir)).isEmpty();
            crashed = crashCopy(dir, tmp.resolve("crashed"));
        }
        try (ResultSpool spool = new SpoolFixture().open(crashed)) {
            assertThat(spool.peek(10)).isEmpty();
            assertThat(spool.append(SpoolFixture::payload)).isGreaterThan(5);
        }
    }

    @Test
    void aCrashRightAfterCrossingAReservedBlockStillNeverReusesASeq() throws Exception {
        Path dir = tmp.resolve("spool");
        Path crashed;
        int n = (int) SeqAllocator.RESERVE_BLOCK + 5;
        try (ResultSpool spool = fx.open(dir, options(1 << 20, 64 * 1024, FsyncPolicy.NEVER))) {
            appendN(spool, n);
            spool.ack(n);
            crashed = crashCopy(dir, tmp.resolve("crashed"));
        }
        try (ResultSpool spool = new SpoolFixture().open(crashed)) {
            assertThat(spool.append(SpoolFixture::payload)).isGreaterThan(n);
        }
    }

    @Test
    void aTornTailIsCutOffCountedAndLaterAppendsAreDelivered() throws Exception {
        Path dir = tmp.resolve("spool");
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 3);
        }
        // The last record only half-written: its header promises more bytes than the file holds.
        Path segment = segments(dir).get(0);
        long size = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(size - 10);
        }
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(Files.size(segment)).as("torn record cut off").isEqualTo(size - RecordFormat.HEADER_BYTES - SpoolFixture.payload(3).length);
            assertThat(spool.stats().corruptRecords()).isEqualTo(1);
            assertThat(fx.sample("aami_agent_spool_corrupt_records_total{stream=\"checks\"}")).isEqualTo(1.0);
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(4);
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 4L);
            spool.ack(4);
        }
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(spool.peek(10)).isEmpty();
            assertThat(spool.stats().corruptRecords()).isZero();
        }
    }

    @Test
    void garbageAfterTheLastRecordDoesNotBreakAppends() throws Exception {
        Path dir = tmp.resolve("spool");
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 2);
        }
        Path segment = segments(dir).get(0);
        // Like a torn write that got its sync marker and part of a header out.
        byte[] garbage = new byte[40];
        java.nio.ByteBuffer.wrap(garbage).putInt(RecordFormat.MAGIC).putInt(12345).putInt(5);
        Files.write(segment, garbage, StandardOpenOption.APPEND);
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 2);
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 3L, 4L);
            assertThat(spool.stats().corruptRecords()).isEqualTo(1);
        }
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 3L, 4L);
            assertThat(spool.stats().corruptRecords()).as("cut off the first time").isZero();
        }
    }

    @Test
    void anEmptySegmentLeftByACrashIsRemoved() throws Exception {
        Path dir = tmp.resolve("spool");
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 2);
        }
        Files.createFile(dir.resolve(Segment.fileName(3)));
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(segments(dir)).hasSize(1);
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(3);
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void missingSeqStateFallsBackToTheSpoolContentsAndUnreadableStateStopsTheOpen() throws Exception {
        Path dir = tmp.resolve("spool");
        try (ResultSpool spool = fx.open(dir)) {
            appendN(spool, 4);
        }
        Files.delete(dir.resolve("seq"));
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(5);
        }
        Files.writeString(dir.resolve("seq"), "garbage\n");
        assertThatThrownBy(() -> fx.open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("seq does not hold a number").hasMessageContaining("garbage");
        Files.writeString(dir.resolve("seq"), "6\n");
        Files.writeString(dir.resolve("acked"), "not a number", StandardCharsets.UTF_8);
        try (ResultSpool spool = fx.open(dir)) {
            assertThat(seqs(spool.peek(10))).as("unreadable ack position: deliver again").containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(6);
        }
    }
}
