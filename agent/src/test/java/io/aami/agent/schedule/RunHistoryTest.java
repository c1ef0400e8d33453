package io.aami.agent.schedule;

import static io.aami.server.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history file on a real file system: what is written when, and what is read back. */
class RunHistoryTest {
    private static final String FP_A = "0123456789abcdef0123456789abcdef";
    private static final String FP_B = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    private Path file() {
        return RunHistory.fileIn(dir, "test");
    }

    @Test
    void aStartIsReadBackAfterARestartOnlyUnderTheSameDefinition() {
        try (RunHistory history = RunHistory.open(file(), "test")) {
            history.started("check-1", FP_A, 1_900_000_000_000L, false);
            history.started("probe-1/db.example:5432", FP_A, 1_900_000_000_500L, false);
        }
        try (RunHistory restarted = RunHistory.open(file(), "test")) {
            assertThat(restarted.lastStart("check-1", FP_A)).hasValue(1_900_000_000_000L);
            assertThat(restarted.lastStart("probe-1/db.example:5432", FP_A)).hasValue(1_900_000_000_500L);
            assertThat(restarted.lastStart("check-1", FP_B)).as("changed definition").isEmpty();
            assertThat(restarted.lastStart("check-2", FP_A)).isEmpty();
        }
    }

    @Test
    void runsAreRecordedInMemoryAndWrittenOnFlushNotOnePerRun() throws Exception {
        try (RunHistory history = RunHistory.open(file(), "test")) {
            for (int i = 0; i < 100; i++) {
                history.started("check-1", FP_A, 1_900_000_000_000L + i, false);
            }
            assertThat(file()).doesNotExist();
            history.flush();
            assertThat(Files.readString(file())).isEqualTo(RunHistoryFile.HEADER + "\n1900000000099 " + FP_A + " check-1\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
            long written = Files.getLastModifiedTime(file()).toMillis();
            Thread.sleep(20);
            history.flush(); // nothing changed: not rewritten
            assertThat(Files.getLastModifiedTime(file()).toMillis()).isEqualTo(written);
        }
    }

    @Test
    void aCatchUpStartIsWrittenWithinSecondsWithoutWaitingForThePeriodicFlush() throws Exception {
        try (RunHistory history = RunHistory.open(file(), "test")) {
            history.started("check-1", FP_A, 1_900_000_000_000L, true);
            assertThat(within(RunHistory.PROMPT_FLUSH_DELAY.plusSeconds(3), () -> Files.exists(file()))).isTrue();
        }
    }

    @Test
    void jobsThatLeaveTheScheduleLeaveTheFile() throws Exception {
        try (RunHistory history = RunHistory.open(file(), "test")) {
            for (int i = 0; i < 50; i++) {
                history.started("check-" + i, FP_A, 1_900_000_000_000L, false);
            }
            history.retain(Set.of("check-7"));
        }
        assertThat(Files.readAllLines(file())).containsExactly(RunHistoryFile.HEADER, "1900000000000 " + FP_A + " check-7");
    }

    @Test
    void closeStopsTheFlushThread() throws Exception {
        RunHistory history = RunHistory.open(file(), "closing");
        List<Thread> flushers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("aami-closing-history")).toList();
        assertThat(flushers).hasSize(1);
        history.started("check-1", FP_A, 1L, false);
        history.close();
        flushers.get(0).join(5000); // the executor reports termination a moment before its thread is gone
        assertThat(flushers.get(0).isAlive()).isFalse();
        assertThat(file()).as("the last write at close").exists();
    }

    @Test
    void aDamagedFileIsIgnoredAndReplacedWithAValidOne() throws Exception {
        String line = "1900000000000 " + FP_A + " check-1\n";
        List<byte[]> damaged = List.of(
                "garbage".getBytes(StandardCharsets.UTF_8),
                (RunHistoryFile.HEADER + "\n" + line.substring(0, 20)).getBytes(StandardCharsets.UTF_8),
                ("aami-last-runs v2\n" + line).getBytes(StandardCharsets.UTF_8),
                (RunHistoryFile.HEADER + "\n-5 " + FP_A + " check-1\n").getBytes(StandardCharsets.UTF_8),
                (RunHistoryFile.HEADER + "\n99999999999999999999 " + FP_A + " check-1\n").getBytes(StandardCharsets.UTF_8),
                (RunHistoryFile.HEADER + "\n1 " + FP_A.toUpperCase() + " check-1\n").getBytes(StandardCharsets.UTF_8),
                (RunHistoryFile.HEADER + "\n" + line + line).getBytes(StandardCharsets.UTF_8),
                (RunHistoryFile.HEADER + "\n1 " + FP_A + " \u0001\n").getBytes(StandardCharsets.UTF_8),
                new byte[] {'a', (byte) 0xff, '\n'},
                new byte[RunHistoryFile.MAX_BYTES + 1]);
        for (byte[] content : damaged) {
            Files.write(file(), content);
            try (RunHistory history = RunHistory.open(file(), "test")) {
                assertThat(history.lastStart("check-1", FP_A)).isEqualTo(OptionalLong.empty());
                history.started("check-2", FP_B, 1_900_000_000_000L, false);
            }
            try (RunHistory again = RunHistory.open(file(), "test")) {
                assertThat(again.lastStart("check-2", FP_B)).hasValue(1_900_000_000_000L);
            }
        }
    }

    @Test
    void aDirectoryWhereTheFileShouldBeIsIgnoredToo() throws Exception {
        Files.createDirectory(file());
        try (RunHistory history = RunHistory.open(file(), "test")) {
            assertThat(history.lastStart("check-1", FP_A)).isEmpty();
            history.started("check-1", FP_A, 1L, false);
        }
    }

    @Test
    void keysThatCouldNotBeReadBackAreNotWritten() throws Exception {
        try (RunHistory history = RunHistory.open(file(), "test")) {
            history.started("two\nlines", FP_A, 1L, false);
            history.started("x".repeat(RunHistoryFile.MAX_KEY_CHARS + 1), FP_A, 1L, false);
            history.started("with space", FP_A, 2L, false);
        }
        try (RunHistory restarted = RunHistory.open(file(), "test")) {
            assertThat(restarted.lastStart("with space", FP_A)).hasValue(2L);
        }
        assertThat(Files.readAllLines(file())).hasSize(2);
    }
}
