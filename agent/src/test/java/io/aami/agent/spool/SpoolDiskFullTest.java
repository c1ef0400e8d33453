package io.aami.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.agent.testing.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool on a filesystem that fills up (a tmpfs the test mounts; root only): the append the disk refuses fails, is
 * counted as a dropped record (stats and metric), and appends work again once there is room. Before, such a result
 * vanished with only a log line.
 */
@Tag("reliability")
class SpoolDiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void anAppendTheFullDiskRefusesIsCountedAsDroppedAndLaterAppendsWork() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), 256)) {
            SpoolFixture fx = new SpoolFixture();
            try (ResultSpool spool = fx.open(disk.dir().resolve("spool"), SpoolFixture.options(1 << 20, 64 * 1024, FsyncPolicy.NEVER))) {
                spool.append(seq -> SpoolFixture.payload(seq, 5000));
                Path filler = disk.dir().resolve("filler");
                try (OutputStream out = Files.newOutputStream(filler)) {
                    while (true) {
                        out.write(new byte[4096]);
                    }
                } catch (IOException full) {
                    // the disk is full now
                }
                assertThatThrownBy(() -> spool.append(seq -> SpoolFixture.payload(seq, 5000))).isInstanceOf(UncheckedIOException.class);
                assertThat(spool.stats().droppedRecords()).isEqualTo(1);
                assertThat(fx.sample("aami_agent_spool_dropped_records_total{stream=\"checks\"}")).isEqualTo(1.0);

                Files.delete(filler);
                long seq = spool.append(seq2 -> SpoolFixture.payload(seq2, 5000));
                assertThat(SpoolFixture.seqs(spool.peek(10))).as("the first record and the one after the room came back")
                        .containsExactly(1L, seq);
            }
        }
    }
}
