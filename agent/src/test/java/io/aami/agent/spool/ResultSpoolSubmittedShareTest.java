package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.options;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records local programs submitted ({@link ResultSpool#appendSubmitted}) on a real spool on disk: 256-byte
 * segments hold 3 records of 78 bytes; 1024 bytes hold 13 records. They take only free room,
 * within their share, all or none, and never make the spool drop the agent's own records.
 */
class ResultSpoolSubmittedShareTest {
    private static final int PAYLOAD = 50;
    private static final int RECORD = PAYLOAD + RecordFormat.HEADER_BYTES;

    @TempDir
    Path dir;

    private final SpoolFixture fx = new SpoolFixture();

    private ResultSpool open() {
        return fx.open(dir, options(1024, 256, FsyncPolicy.NEVER));
    }

    private static void appendOwn(ResultSpool spool, int n) {
        for (int i = 0; i < n; i++) {
            spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
        }
    }

    private static List<LongFunction<byte[]>> submitted(int n) {
        return Collections.nCopies(n, seq -> SpoolFixture.payload(seq, PAYLOAD));
    }

    @Test
    void submittedRecordsTakeOnlyFreeRoomAndNeverMakeTheSpoolDropTheAgentsOwn() {
        try (ResultSpool spool = open()) {
            appendOwn(spool, 11); // 858 bytes: room for 2 more records, not 3

            assertThat(spool.appendSubmitted(submitted(3), 1024)).as("three do not fit the free room").isEmpty();
            assertThat(spool.stats().droppedRecords()).isZero();
            assertThat(spool.stats().submittedBytes()).isZero();
            assertThat(seqs(spool.peek(100))).as("the agent's own records are all there")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());

            assertThat(spool.appendSubmitted(submitted(2), 1024)).as("a refused batch used no seq").contains(List.of(12L, 13L));
            assertThat(spool.stats().submittedBytes()).isEqualTo(2 * RECORD);
            assertThat(spool.appendSubmitted(submitted(1), 1024)).as("the spool is full").isEmpty();
            assertThat(spool.stats().droppedRecords()).isZero();
            assertThat(spool.stats().pendingRecords()).isEqualTo(13);
        }
    }

    @Test
    void submittedRecordsStayWithinTheirShareUntilTheirSegmentIsGone() throws Exception {
        try (ResultSpool spool = open()) {
            long share = 3 * RECORD + RECORD / 2;
            assertThat(spool.appendSubmitted(submitted(4), share)).as("all or none").isEmpty();
            assertThat(spool.appendSubmitted(submitted(3), share)).contains(List.of(1L, 2L, 3L));
            assertThat(spool.appendSubmitted(submitted(1), share)).as("the share is taken").isEmpty();
            assertThat(fx.sample("aami_agent_spool_submitted_bytes{stream=\"checks\"}")).isEqualTo(3.0 * RECORD);

            appendOwn(spool, 1); // seq 4 starts the second segment: the agent's own appends are not limited
            spool.ack(3); // the first segment, delivered, is deleted
            assertThat(spool.stats().submittedBytes()).isZero();
            assertThat(spool.appendSubmitted(submitted(3), share)).contains(List.of(5L, 6L, 7L));
        }
    }

    @Test
    void theAgentsOwnRecordsStillPushOutOldSubmittedOnesAndTheShareIsFreed() throws Exception {
        try (ResultSpool spool = open()) {
            assertThat(spool.appendSubmitted(submitted(3), 1024)).isPresent();
            appendOwn(spool, 11); // 14 records: the oldest segment, the submitted one, goes
            assertThat(spool.stats().droppedRecords()).isEqualTo(3);
            assertThat(spool.stats().submittedBytes()).isZero();
            assertThat(seqs(spool.peek(100))).containsExactlyElementsOf(LongStream.rangeClosed(4, 14).boxed().toList());
        }
    }

    /**
     * A batch whose write fails part-way (here: the next segment cannot be created, as on a full or failing disk) is
     * spooled none, on disk as in memory, so the caller's retry does not deliver its first records twice.
     */
    @Test
    void aBatchWhoseWriteFailsPartWayIsSpooledNone() throws Exception {
        try (ResultSpool spool = open()) {
            appendOwn(spool, 1); // segment 1 holds seq 1; seqs 2 and 3 fit beside it, seq 4 starts segment 4
            Path obstacle = java.nio.file.Files.createDirectory(dir.resolve(Segment.fileName(4)));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.appendSubmitted(submitted(5), 1024))
                    .isInstanceOf(java.io.UncheckedIOException.class);

            assertThat(seqs(spool.peek(100))).as("the records written before the failure are gone").containsExactly(1L);
            assertThat(spool.stats().pendingRecords()).isEqualTo(1);
            assertThat(spool.stats().bytes()).isEqualTo(RECORD);
            assertThat(spool.stats().submittedBytes()).isZero();
            assertThat(java.nio.file.Files.size(dir.resolve(Segment.fileName(1)))).as("cut back on disk").isEqualTo(RECORD);

            java.nio.file.Files.delete(obstacle);
            assertThat(spool.appendSubmitted(submitted(5), 1024)).as("the retry; the failed batch's seqs stay used")
                    .contains(List.of(5L, 6L, 7L, 8L, 9L));
            assertThat(seqs(spool.peek(100))).containsExactly(1L, 5L, 6L, 7L, 8L, 9L);
        }
        try (ResultSpool reopened = open()) {
            assertThat(seqs(reopened.peek(100))).as("after a restart too").containsExactly(1L, 5L, 6L, 7L, 8L, 9L);
        }
    }
}
