package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.options;
import static io.aami.agent.spool.SpoolFixture.segments;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 256-byte segments hold 3 records of 78 bytes; 512 bytes hold 2 full segments and nothing more. */
class ResultSpoolBoundTest {
    private static final int PAYLOAD = 50;

    @TempDir
    Path dir;

    private final SpoolFixture fx = new SpoolFixture();

    private ResultSpool open() {
        return fx.open(dir, options(512, 256, FsyncPolicy.NEVER));
    }

    private static void append(ResultSpool spool, int n) {
        for (int i = 0; i < n; i++) {
            spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
        }
    }

    @Test
    void theOldestSegmentIsDroppedAndCountedTheNewestKept() throws Exception {
        try (ResultSpool spool = open()) {
            append(spool, 6);
            assertThat(spool.stats().droppedRecords()).isZero();

            append(spool, 3); // seq 7 starts a third segment: 3 x 234 bytes > 512
            SpoolStats s = spool.stats();
            assertThat(s.droppedSegments()).isEqualTo(1);
            assertThat(s.droppedRecords()).isEqualTo(3);
            assertThat(s.pendingRecords()).isEqualTo(6);
            assertThat(s.bytes()).isLessThanOrEqualTo(512).isEqualTo(sizeOnDisk());
            assertThat(fx.sample("aami_agent_spool_dropped_records_total{stream=\"checks\"}")).isEqualTo(3.0);
            assertThat(seqs(spool.peek(100))).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);

            append(spool, 300); // appends never fail, the spool stays bounded
            assertThat(spool.stats().bytes()).isLessThanOrEqualTo(512).isEqualTo(sizeOnDisk());
            assertThat(spool.stats().droppedRecords()).isEqualTo(303);
            assertThat(seqs(spool.peek(100))).containsExactlyElementsOf(LongStream.rangeClosed(304, 309).boxed().toList());
        }
    }

    @Test
    void onlyUnacknowledgedRecordsCountAsDropped() {
        try (ResultSpool spool = open()) {
            append(spool, 6);
            assertThat(seqs(spool.peek(2))).containsExactly(1L, 2L);
            spool.ack(2);
            append(spool, 1); // drops segment 1..3, of which only 3 was pending
            assertThat(spool.stats().droppedRecords()).isEqualTo(1);
            assertThat(spool.stats().pendingRecords()).isEqualTo(4);
        }
    }

    @Test
    void theSenderCarriesOnWhenTheSegmentItPeekedIsDropped() {
        try (ResultSpool spool = open()) {
            append(spool, 6);
            assertThat(seqs(spool.peek(4))).containsExactly(1L, 2L, 3L, 4L);
            append(spool, 1); // 1..3 dropped while in flight
            spool.ack(4);     // the server stored 1..4 anyway
            assertThat(seqs(spool.peek(10))).containsExactly(5L, 6L, 7L);
            assertThat(spool.stats().pendingRecords()).isEqualTo(3);
        }
    }

    @Test
    void droppedRecordsStayGoneAfterRestart() {
        try (ResultSpool spool = open()) {
            append(spool, 9);
        }
        try (ResultSpool spool = open()) {
            assertThat(seqs(spool.peek(100))).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD))).isEqualTo(10);
        }
    }

    private long sizeOnDisk() throws Exception {
        long total = 0;
        for (Path p : segments(dir)) {
            total += Files.size(p);
        }
        return total;
    }
}
