package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.segments;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolCorruptionTest {
    private static final int PAYLOAD = 40;
    private static final int RECORD = RecordFormat.HEADER_BYTES + PAYLOAD;

    @TempDir
    Path dir;

    private final SpoolFixture fx = new SpoolFixture();

    /** One damaged byte anywhere in record 3 of 5: magic, crc, length (high and low byte), seq, time, payload. */
    @ParameterizedTest
    @ValueSource(ints = {0, 5, 8, 11, 14, 22, 28, 67})
    void aDamagedRecordIsSkippedOnceAndEverythingAfterItDelivered(int byteInRecord) throws Exception {
        append(5);
        flip(segments(dir).get(0), 2L * RECORD + byteInRecord);

        try (ResultSpool spool = fx.open(dir)) {
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 4L, 5L);
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 4L, 5L);
            assertThat(spool.stats().corruptRecords()).as("counted once, not per peek").isEqualTo(1);
            assertThat(fx.sample("aami_agent_spool_corrupt_records_total{stream=\"checks\"}")).isEqualTo(1.0);

            spool.ack(2);
            assertThat(seqs(spool.peek(10))).containsExactly(4L, 5L);
            spool.ack(5);
            assertThat(segments(dir)).isEmpty();
            assertThat(spool.stats().pendingRecords()).isZero();
        }
    }

    @Test
    void resynchronisingIgnoresSyncMarkersInsidePayloads() throws Exception {
        // Every payload carries a fake record header; only a real record's CRC matches.
        byte[] decoy = new byte[PAYLOAD];
        ByteBuffer.wrap(decoy).putInt(RecordFormat.MAGIC).putInt(0).putInt(4).putLong(99).putLong(0);
        try (ResultSpool spool = fx.open(dir)) {
            for (int i = 0; i < 5; i++) {
                spool.append(seq -> decoy);
            }
        }
        flip(segments(dir).get(0), 2L * RECORD + 1);

        try (ResultSpool spool = fx.open(dir)) {
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 4L, 5L);
            assertThat(spool.stats().corruptRecords()).isEqualTo(1);
        }
    }

    @Test
    void damageInAnOlderSegmentSkipsOnlyTheDamage() throws Exception {
        // 256-byte segments hold 3 records of 68 bytes: 9 records in 3 segments.
        try (ResultSpool spool = fx.open(dir, SpoolFixture.options(4096, 256, FsyncPolicy.NEVER))) {
            for (int i = 0; i < 9; i++) {
                spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
            }
        }
        assertThat(segments(dir)).hasSize(3);
        flip(segments(dir).get(1), 2L * RECORD + 30); // record 6, the last of the middle segment
        flip(segments(dir).get(1), 0);                // record 4, the first

        try (ResultSpool spool = fx.open(dir, SpoolFixture.options(4096, 256, FsyncPolicy.NEVER))) {
            assertThat(seqs(spool.peek(20))).containsExactly(1L, 2L, 3L, 5L, 7L, 8L, 9L);
            assertThat(spool.stats().corruptRecords()).isEqualTo(2);
            assertThat(new String(spool.peek(5).get(3).payload()).startsWith("5:")).isTrue();
        }
    }

    @Test
    void damageThatAppearsWhileOpenDoesNotLeaveTheSenderSpinning() throws Exception {
        try (ResultSpool spool = fx.open(dir)) {
            for (int i = 0; i < 3; i++) {
                spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
            }
            flip(segments(dir).get(0), 2L * RECORD + 30); // record 3, in the page cache under the open spool

            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L);
            spool.ack(2);
            assertThat(spool.peek(10)).isEmpty();
            assertThat(spool.stats().pendingRecords()).as("the damaged record is not pending").isZero();
            assertThat(spool.awaitRecords(Duration.ofMillis(50))).as("nothing to wake the sender for").isFalse();

            spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
            assertThat(seqs(spool.peek(10))).containsExactly(4L);
            assertThat(spool.stats().corruptRecords()).isEqualTo(1);
        }
    }

    private void append(int n) {
        try (ResultSpool spool = fx.open(dir)) {
            for (int i = 0; i < n; i++) {
                spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
            }
        }
    }

    private static void flip(Path file, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }
}
