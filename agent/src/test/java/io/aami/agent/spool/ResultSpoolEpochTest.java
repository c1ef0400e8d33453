package io.aami.agent.spool;

import static io.aami.agent.spool.SpoolFixture.appendN;
import static io.aami.agent.spool.SpoolFixture.segments;
import static io.aami.agent.spool.SpoolFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.results.StreamEpochs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's stream epoch: kept while the numbering provably continues, new whenever it may not
 * (issue 16 point 5: a deleted spool restarted at seq 1 in the same stream and the server took
 * everything for duplicates).
 */
class ResultSpoolEpochTest {
    @TempDir
    Path tmp;

    private final SpoolFixture fx = new SpoolFixture();

    private Path dir() {
        return tmp.resolve("spool");
    }

    private String epochOnDisk() throws Exception {
        return Files.readString(dir().resolve("epoch"), StandardCharsets.US_ASCII);
    }

    @Test
    void aNewSpoolHasARandomEpochOnDiskBeforeItsFirstRecord() throws Exception {
        try (ResultSpool spool = fx.open(dir())) {
            String epoch = spool.epoch();
            assertThat(epoch).matches(StreamEpochs.PATTERN).isNotEqualTo(StreamEpochs.DEFAULT);
            assertThat(epochOnDisk()).isEqualTo(epoch + "\n");
            assertThat(dir().resolve("seq")).as("an epoch file always has a seq file beside it").exists();
            assertThat(fx.sample("aami_agent_spool_epochs_started_total{stream=\"checks\"}")).isEqualTo(1.0);
        }
        assertThat(new SpoolFixture().open(tmp.resolve("other")).epoch()).as("random per spool")
                .isNotEqualTo(epochOnDisk().trim());
    }

    @Test
    void anIntactSpoolKeepsItsEpochAndItsNumbering() throws Exception {
        String epoch;
        try (ResultSpool spool = fx.open(dir())) {
            epoch = spool.epoch();
            appendN(spool, 10);
            spool.ack(4);
        }
        try (ResultSpool spool = fx.open(dir())) {
            assertThat(spool.epoch()).isEqualTo(epoch);
            assertThat(seqs(spool.peek(100))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(11);
        }
        assertThat(fx.sample("aami_agent_spool_epochs_started_total{stream=\"checks\"}")).isEqualTo(1.0);
    }

    @Test
    void aDeletedSpoolDirectoryStartsANewEpochAtSeqOne() throws Exception {
        String epoch;
        try (ResultSpool spool = fx.open(dir())) {
            epoch = spool.epoch();
            appendN(spool, 25);
            spool.ack(25);
        }
        deleteTree(dir());
        try (ResultSpool spool = fx.open(dir())) {
            assertThat(spool.append(SpoolFixture::payload)).as("the numbering starts over").isEqualTo(1);
            assertThat(spool.epoch()).as("so the epoch changes with it").isNotEqualTo(epoch);
            assertThat(epochOnDisk()).isEqualTo(spool.epoch() + "\n");
        }
    }

    @Test
    void aMissingOrDamagedEpochFileStartsANewEpochAndKeepsPendingRecordsAndNumbering() throws Exception {
        List<String> damage = List.of("", "\n", "garbage\n", "00000000-0000-0000-0000-000000000000\n",
                "a".repeat(100), "%s", "%s\n%s\n", "{%s}\n", "UPPER");
        Set<String> seen = new HashSet<>();
        try (ResultSpool spool = fx.open(dir())) {
            seen.add(spool.epoch());
            appendN(spool, 3);
        }
        long next = 4;
        for (String d : damage) {
            String old = epochOnDisk().trim();
            String content = d.equals("UPPER") ? old.toUpperCase() + "\n" : d.replace("%s", old);
            Files.writeString(dir().resolve("epoch"), content, StandardCharsets.US_ASCII);
            try (ResultSpool spool = fx.open(dir())) {
                assertThat(seen.add(spool.epoch())).as("new epoch after %s", content).isTrue();
                assertThat(spool.peek(100)).as("pending records stay").hasSize((int) next - 1);
                assertThat(spool.append(SpoolFixture::payload)).as("numbering goes on").isEqualTo(next++);
            }
        }
        Files.delete(dir().resolve("epoch"));
        try (ResultSpool spool = fx.open(dir())) {
            assertThat(seen.add(spool.epoch())).as("new epoch after the file was deleted").isTrue();
            assertThat(seqs(spool.peek(100))).startsWith(1L, 2L, 3L).hasSize((int) next - 1);
        }
    }

    @Test
    void lostSegmentsAndSeqStateStartANewEpochEvenWithTheEpochFileKept() throws Exception {
        String epoch;
        try (ResultSpool spool = fx.open(dir())) {
            epoch = spool.epoch();
            appendN(spool, 20);
            spool.ack(20);
        }
        for (Path p : segments(dir())) {
            Files.delete(p);
        }
        Files.delete(dir().resolve("seq"));
        Files.delete(dir().resolve("acked"));
        try (ResultSpool spool = fx.open(dir())) {
            assertThat(spool.append(SpoolFixture::payload)).as("nothing left to continue from").isEqualTo(1);
            assertThat(spool.epoch()).as("seq 1 again must not be taken for a duplicate of the old seq 1").isNotEqualTo(epoch);
        }
    }

    @Test
    void lostSegmentsWithTheSeqStateKeptContinueTheEpoch() throws Exception {
        String epoch;
        try (ResultSpool spool = fx.open(dir())) {
            epoch = spool.epoch();
            appendN(spool, 20);
        }
        for (Path p : segments(dir())) {
            Files.delete(p);
        }
        Files.deleteIfExists(dir().resolve("acked"));
        try (ResultSpool spool = fx.open(dir())) {
            assertThat(spool.epoch()).isEqualTo(epoch);
            assertThat(spool.append(SpoolFixture::payload)).as("the seq file keeps the numbering above what was used")
                    .isGreaterThan(20);
        }
    }

    @Test
    void aStartedEpochIsDurableAndTheNumberingCarriesOn() throws Exception {
        String started;
        try (ResultSpool spool = fx.open(dir())) {
            String first = spool.epoch();
            appendN(spool, 5);
            started = spool.startNewEpoch("test");
            assertThat(started).isNotEqualTo(first).isEqualTo(spool.epoch());
            assertThat(epochOnDisk()).isEqualTo(started + "\n");
            assertThat(seqs(spool.peek(10))).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(spool.append(SpoolFixture::payload)).isEqualTo(6);
        }
        try (ResultSpool spool = fx.open(dir())) {
            assertThat(spool.epoch()).isEqualTo(started);
        }
        assertThat(fx.sample("aami_agent_spool_epochs_started_total{stream=\"checks\"}")).isEqualTo(2.0);
    }

    @Test
    void anUnreadableEpochPathStartsANewEpoch() throws Exception {
        try (ResultSpool spool = fx.open(dir())) {
            appendN(spool, 2);
        }
        Files.delete(dir().resolve("epoch"));
        Files.createDirectory(dir().resolve("epoch"));
        // A directory where the file should be: it can neither be read nor replaced; the open says so.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.open(dir()))
                .hasMessageContaining("epoch");
    }

    static void deleteTree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
