package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void fieldsAreReadAfterTheLastParenthesisOfTheCommandName() {
        ProcStat stat = ProcStat.parse("4242 (evil) (name x) R 1 4242 4242 0 -1 4194560 97 0 0 0 0 0 0 0 20 0 1");
        assertThat(stat).isEqualTo(new ProcStat(4242, 'R', 1, 4242, 4242));
        assertThat(stat.exited()).isFalse();
        assertThat(ProcStat.parse("7 (sleep) Z 1 5 5 0 -1").exited()).isTrue();
    }

    @Test
    void thisProcessParses() throws Exception {
        ProcStat self = ProcStat.parse(Files.readString(Path.of("/proc/self/stat")));
        assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(self.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> ProcStat.parse("no parentheses here")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.parse("12 (x) R one 2 3")).isInstanceOf(IllegalArgumentException.class);
    }
}
