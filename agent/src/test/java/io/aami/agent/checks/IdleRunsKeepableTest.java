package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A run cgroup is kept for reuse only when it holds no task (zombies included) and little charged memory. */
class IdleRunsKeepableTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "memory={0} pids={1} -> {2}")
    @CsvSource(nullValues = "NULL", value = {
        "0, NULL, true",
        "4096, 0, true",
        "4096, '0\n', true",
        "4096, 1, false",
        "0, 3, false",
        "4096, max, false",
        "NULL, 0, false",
        "999999999999, 0, false",
    })
    void keepable(String memory, String pids, boolean expected) {
        assertThat(IdleRuns.keepable(memory, pids)).isEqualTo(expected);
    }

    @Test
    void aZombieCountedInPidsCurrentKeepsTheCgroupFromReuse() throws Exception {
        Files.writeString(dir.resolve("memory.current"), "8192\n");
        Path pids = dir.resolve("pids.current");
        assertThat(IdleRuns.keepable(dir.resolve("memory.current"), pids)).as("no pids controller").isTrue();
        Files.writeString(pids, "0\n");
        assertThat(IdleRuns.keepable(dir.resolve("memory.current"), pids)).isTrue();
        Files.writeString(pids, "1\n"); // a zombie: gone from cgroup.procs, still counted here
        assertThat(IdleRuns.keepable(dir.resolve("memory.current"), pids)).isFalse();
    }
}
