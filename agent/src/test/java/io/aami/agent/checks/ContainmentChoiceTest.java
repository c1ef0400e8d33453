package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which containment {@code checks.containment} gets, and reading the host's cgroup layout (pure logic). */
class ContainmentChoiceTest {
    private static final List<String> MOUNTINFO = List.of(
            "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
            "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
            "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
            "41 22 0:38 / /proc rw - proc proc rw");
    private static final List<String> OWN = List.of("9:name=systemd:/", "8:pids:/", "4:memory:/box/a1", "0::/");

    @Test
    void hierarchiesAndTheAgentsOwnCgroupsAreRead() {
        List<CgroupDetector.Hierarchy> found = CgroupDetector.hierarchies(MOUNTINFO);

        assertThat(found).extracting(CgroupDetector.Hierarchy::mountPoint).containsExactly(
                Path.of("/sys/fs/cgroup/memory"), Path.of("/sys/fs/cgroup/freezer"), Path.of("/sys/fs/cgroup/pids"),
                Path.of("/sys/fs/cgroup/systemd"), Path.of("/sys/fs/cgroup/unified"));
        assertThat(found.get(4).v2()).isTrue();
        assertThat(found.get(0).options()).contains("memory");
        assertThat(CgroupDetector.ownPaths(OWN)).containsEntry("pids", "/").containsEntry("memory", "/box/a1")
                .containsEntry("", "/");
    }

    @Test
    void aCgroupPathOutsideTheMountedSubtreeFallsBackToTheMountPoint() {
        var bound = new CgroupDetector.Hierarchy(Path.of("/mnt/cg"), "/docker/abc", false, Set.of("pids"));
        assertThat(CgroupDetector.base(bound, "/elsewhere")).isEqualTo(Path.of("/mnt/cg"));
        assertThat(CgroupDetector.base(bound, "/../../etc")).isEqualTo(Path.of("/mnt/cg"));
    }

    @Test
    void rlimitIsTakenAsConfiguredWithoutLookingAtTheHost() {
        assertThat(ContainmentChoice.choose("rlimit", ScriptLimits.DEFAULTS, true, () -> {
            throw new AssertionError("no detection for rlimit");
        })).isSameAs(Containment.RLIMIT);
    }

    @Test
    void cgroupWithoutAUsableCgroupIsAStartupErrorAndAutoFallsBack() {
        var noCgroups = List.of("41 22 0:38 / /proc rw - proc proc rw");
        assertThatThrownBy(() -> ContainmentChoice.choose("cgroup", ScriptLimits.DEFAULTS, true,
                () -> new CgroupDetector(noCgroups, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("checks.containment")
                .hasMessageContaining("no cgroup2 hierarchy").hasMessageContaining("no cgroup v1 pids hierarchy");
        assertThatThrownBy(() -> ContainmentChoice.choose("cgroup", ScriptLimits.DEFAULTS, false, () -> null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not root");
        assertThat(ContainmentChoice.choose("auto", ScriptLimits.DEFAULTS, true,
                () -> new CgroupDetector(noCgroups, List.of()))).isSameAs(Containment.RLIMIT);
        assertThatThrownBy(() -> ContainmentChoice.choose("jail", ScriptLimits.DEFAULTS, true, () -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
