package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.segments;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.FaultFigures;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 6 (README "Reliability"): the three kinds of damage a disk or a crash leaves, all at once in one
 * spool of three segments: flipped bytes in a record of the first, a zero-filled block across two records of the
 * second, a torn tail on the last. Every intact record (before, between and after the damage) is delivered once, the
 * damaged regions are counted (metric), and the spool goes on taking and delivering records.
 */
@Tag("reliability")
class SpoolDamageFaultTest {
    private static final int PAYLOAD = 40;
    private static final int RECORD = RecordFormat.HEADER_BYTES + PAYLOAD;
    private static final int PER_SEGMENT = 15;
    private static final int PRODUCED = 3 * PER_SEGMENT;
    private static final SpoolOptions OPTIONS = SpoolFixture.options(1 << 20, PER_SEGMENT * RECORD, FsyncPolicy.NEVER);

    @TempDir
    Path dir;

    private final SpoolFixture fx = new SpoolFixture();

    @Test
    void flippedZeroedAndTornRecordsAreSkippedCountedAndEverythingElseDelivered() throws Exception {
        try (ResultSpool spool = fx.open(dir, OPTIONS)) {
            for (int i = 0; i < PRODUCED; i++) {
                spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
            }
        }
        List<Path> files = segments(dir);
        assertThat(files).hasSize(3);
        Set<Long> damaged = new TreeSet<>();
        flip(files.get(0), 4L * RECORD + 20);                 // seq 5: a byte of its payload
        damaged.add(5L);
        zero(files.get(1), 3L * RECORD + 10, 100);            // seqs 19 and 20: a block of zeros across both
        damaged.addAll(List.of(19L, 20L));
        cut(files.get(2), 30);                                 // seq 45: torn by a crash mid-write
        damaged.add(45L);

        long started = System.nanoTime();
        List<Long> delivered = new ArrayList<>();
        try (ResultSpool spool = fx.open(dir, OPTIONS)) {
            Duration recovery = Duration.ofNanos(System.nanoTime() - started);
            long after = spool.append(seq -> SpoolFixture.payload(seq, PAYLOAD));
            drain(spool, delivered);
            long counted = spool.stats().corruptRecords();

            List<Long> expected = LongStream.rangeClosed(1, PRODUCED).filter(s -> !damaged.contains(s)).boxed()
                    .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
            expected.add(after);
            assertThat(delivered).as("every intact record, once, in order, and one appended after the damage")
                    .containsExactlyElementsOf(expected);
            assertThat(counted).as("one per damaged region").isEqualTo(3);
            assertThat(fx.sample("aami_agent_spool_corrupt_records_total{stream=\"checks\"}")).isEqualTo(3.0);
            assertThat(spool.stats().pendingRecords()).isZero();
            long duplicated = delivered.size() - new TreeSet<>(delivered).size();
            long lost = expected.stream().filter(s -> !delivered.contains(s)).count();
            new FaultFigures("6-corrupt-spool", PRODUCED + 1, new TreeSet<>(delivered).size(), duplicated, lost,
                    damaged.size(), recovery).report();
        }
        try (ResultSpool spool = fx.open(dir, OPTIONS)) {
            assertThat(spool.peek(10)).as("nothing delivered again after a restart").isEmpty();
        }
    }

    private static void drain(ResultSpool spool, List<Long> delivered) {
        for (List<SpoolRecord> batch = spool.peek(7); !batch.isEmpty(); batch = spool.peek(7)) {
            delivered.addAll(seqs(batch));
            spool.ack(batch.get(batch.size() - 1).seq());
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

    private static void zero(Path file, long offset, int length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(new byte[length]);
        }
    }

    private static void cut(Path file, int bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - bytes);
        }
    }
}
