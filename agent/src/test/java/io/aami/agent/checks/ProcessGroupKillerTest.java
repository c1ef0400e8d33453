package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.groupMembers;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessGroupKillerTest {
    private final ProcessGroupKiller killer = new ProcessGroupKiller(SystemTools.detect().kill());

    @Test
    void killingAfterANormalExitLeavesTheUnreadOutputReadable() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo last words").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

        killer.killAll(p.toHandle(), false);

        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("last words\n");
    }

    @Test
    void everyMemberOfTheGroupIsKilledEvenAfterTheLeaderExited() throws Exception {
        Process p = new ProcessBuilder(SystemTools.detect().setsid().toString(), "--", "sh", "-c",
                "sleep 300 & sleep 300 & echo started")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(killer.members(p.pid())).hasSize(2);

        killer.killAll(p.toHandle(), true);

        assertThat(killer.members(p.pid())).isEmpty();
        assertThat(groupMembers(p.pid(), false)).isEmpty();
    }
}
