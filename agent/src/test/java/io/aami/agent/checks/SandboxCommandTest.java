package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command lines the sandbox builds, for both the root and the non-root agent, and its startup checks. */
class SandboxCommandTest {
    private static final SystemTools TOOLS = new SystemTools(Path.of("/usr/bin/setsid"), Path.of("/usr/bin/prlimit"),
            Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/kill"), Path.of("/usr/bin/id"), Path.of("/usr/bin/env"),
            Path.of("/bin/sh"));

    @Test
    void asRootTheScriptGetsItsOwnSessionLimitsAndTheRunAsUser() {
        Sandbox sandbox = new Sandbox(new RunAsUser("aami", 990, 991), ScriptLimits.DEFAULTS, TOOLS);

        assertThat(sandbox.command(null, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of("-x", "y"),
                Map.of("LD_PRELOAD", "/tmp/evil.so")))
                .containsExactly("/usr/bin/setsid", "--", "/usr/bin/prlimit", "--cpu=6", "--as=1073741824",
                        "--nofile=256", "--nproc=64", "--", "/usr/bin/setpriv", "--reuid=990", "--regid=991",
                        "--init-groups", "--", "/usr/bin/env", "-i", "--", "LD_PRELOAD=/tmp/evil.so", "/usr/bin/sh",
                        "/s/abc.sh", "-x", "y");
        assertThat(sandbox.ownProcessGroup()).isTrue();
    }

    @Test
    void throughAamiRunTheWholeSandboxIsItsArgumentsAndTheEnvironmentComesLast() {
        Sandbox sandbox = new Sandbox(new RunAsUser("aami", 990, 991, List.of(991L, 4L)), ScriptLimits.DEFAULTS, TOOLS,
                Containment.RLIMIT, false, new RunHelper(Path.of("/usr/libexec/aami/aami-run")));

        assertThat(sandbox.command(null, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of("-x", "y"),
                Map.of("LD_PRELOAD", "/tmp/evil.so")))
                .containsExactly("/usr/libexec/aami/aami-run", "--cpu", "6", "--as", "1073741824", "--nofile", "256",
                        "--nproc", "64", "--uid", "990", "--gid", "991", "--groups", "991,4",
                        "--env", "LD_PRELOAD=/tmp/evil.so", "--", "/usr/bin/sh", "/s/abc.sh", "-x", "y");
        assertThat(sandbox.ownProcessGroup()).isTrue();
        assertThatThrownBy(() -> sandbox.command(null, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of(),
                Map.of("A=B", "c"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void throughAamiRunAsAnOrdinaryUserThereIsNoSwitchAndNoProcessLimit() {
        Sandbox sandbox = new Sandbox(null, ScriptLimits.DEFAULTS, TOOLS, Containment.RLIMIT, false,
                new RunHelper(Path.of("/h")));

        assertThat(sandbox.command(null, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of(), Map.of("A", "b")))
                .containsExactly("/h", "--cpu", "6", "--as", "1073741824", "--nofile", "256", "--env", "A=b", "--",
                        "/usr/bin/sh", "/s/abc.sh");
    }

    @Test
    void asAnOrdinaryUserScriptsRunAsThatUserWithoutTheProcessLimit() {
        // The run-as user is neither resolved nor required: nothing to switch to without root.
        Sandbox sandbox = Sandbox.create("no-such-user-anywhere", ScriptLimits.DEFAULTS, TOOLS, 1000);

        assertThat(sandbox.runAs()).isEmpty();
        assertThat(sandbox.command(null, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of(), Map.of("A", "b")))
                .containsExactly("/usr/bin/setsid", "--", "/usr/bin/prlimit", "--cpu=6", "--as=1073741824",
                        "--nofile=256", "--", "/usr/bin/env", "-i", "--", "A=b", "/usr/bin/sh", "/s/abc.sh");
    }

    @Test
    void missingToolsAreStartupErrorsExceptSetsid() {
        SystemTools noPrlimit = new SystemTools(TOOLS.setsid(), null, TOOLS.setpriv(), TOOLS.kill(), TOOLS.id(),
                TOOLS.env(), TOOLS.sh());
        assertThatThrownBy(() -> Sandbox.create("aami", ScriptLimits.DEFAULTS, noPrlimit, 1000))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("prlimit");

        SystemTools noSetpriv = new SystemTools(TOOLS.setsid(), TOOLS.prlimit(), null, TOOLS.kill(), TOOLS.id(),
                TOOLS.env(), TOOLS.sh());
        assertThatThrownBy(() -> Sandbox.create("aami", ScriptLimits.DEFAULTS, noSetpriv, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setpriv");

        Sandbox withoutSetsid = Sandbox.create("aami", ScriptLimits.DEFAULTS, TOOLS.withoutSetsid(), 1000);
        assertThat(withoutSetsid.ownProcessGroup()).isFalse();
        assertThat(withoutSetsid.command(null, 1, Path.of("/bin/sh"), Path.of("/s.sh"), List.of(), Map.of()).get(0))
                .isEqualTo("/usr/bin/prlimit");
    }

    @Test
    void inACgroupTheFirstProcessJoinsItBeforeAnythingElseAndTheProcessLimitIsTheCgroups() {
        Sandbox sandbox = new Sandbox(new RunAsUser("aami", 990, 991), ScriptLimits.DEFAULTS, TOOLS);
        RunCgroup cgroup = new RunCgroup() {
            @Override
            public List<Path> joinFiles() {
                return List.of(Path.of("/cg/pids/run-1/cgroup.procs"), Path.of("/cg/memory/run-1/cgroup.procs"));
            }

            @Override
            public void killAll() {
            }

            @Override
            public void close() {
            }
        };

        assertThat(sandbox.command(cgroup, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of(), Map.of()))
                .containsExactly("/usr/bin/setsid", "--", "/bin/sh", "-c", Sandbox.JOIN_CGROUP, "sh",
                        "/cg/pids/run-1/cgroup.procs", "/cg/memory/run-1/cgroup.procs", "--", "/usr/bin/prlimit",
                        "--cpu=6", "--as=1073741824", "--nofile=256", "--", "/usr/bin/setpriv", "--reuid=990",
                        "--regid=991", "--init-groups", "--", "/usr/bin/env", "-i", "--", "/usr/bin/sh", "/s/abc.sh");
    }

    @Test
    void whenTheHostsShSetsTheLimitsTheCgroupRunExecsNoPrlimit() {
        Containment cgroups = new Containment() {
            @Override
            public String mode() {
                return "cgroup-v2";
            }

            @Override
            public RunCgroup newRun() {
                return null;
            }
        };
        Sandbox sandbox = new Sandbox(new RunAsUser("aami", 990, 991), ScriptLimits.DEFAULTS, TOOLS, cgroups, true);
        RunCgroup cgroup = new RunCgroup() {
            @Override
            public List<Path> joinFiles() {
                return List.of(Path.of("/cg/run-1/cgroup.procs"));
            }

            @Override
            public void killAll() {
            }

            @Override
            public void close() {
            }
        };

        assertThat(sandbox.command(cgroup, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of(), Map.of("A", "b")))
                .containsExactly("/usr/bin/setsid", "--", "/bin/sh", "-c", ShellLimits.JOIN_AND_LIMIT, "sh",
                        "/cg/run-1/cgroup.procs", "--", "6", "1048576", "256", "--", "/usr/bin/setpriv", "--reuid=990",
                        "--regid=991", "--init-groups", "--", "/usr/bin/env", "-i", "--", "A=b", "/usr/bin/sh", "/s/abc.sh");
        assertThat(sandbox.command(null, 5, Path.of("/usr/bin/sh"), Path.of("/s/abc.sh"), List.of(), Map.of()))
                .as("without a cgroup prlimit sets the limits, the per-user process limit too")
                .contains("/usr/bin/prlimit", "--nproc=64");
    }

    @Test
    void environmentNamesEnvCouldMisreadAreRefused() {
        Sandbox sandbox = new Sandbox(new RunAsUser("aami", 990, 991), ScriptLimits.DEFAULTS, TOOLS);
        for (String name : List.of("", "A=B", "A\0")) {
            assertThatThrownBy(() -> sandbox.command(null, 5, Path.of("/bin/sh"), Path.of("/s.sh"), List.of(),
                    Map.of(name, "x"))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void limitsAreValidatedAndCpuFollowsTheTimeoutUpToTheCap() {
        ScriptLimits limits = new ScriptLimits(30, 256L << 20, 64, 16);
        assertThat(limits.cpuSecondsFor(5)).isEqualTo(6);
        assertThat(limits.cpuSecondsFor(300)).isEqualTo(30);
        assertThatThrownBy(() -> new ScriptLimits(0, 1L << 30, 256, 64)).hasMessageContaining("maxCpuSeconds");
        assertThatThrownBy(() -> new ScriptLimits(10, 1L << 20, 256, 64)).hasMessageContaining("addressSpaceBytes");
        assertThatThrownBy(() -> new ScriptLimits(10, 1L << 30, 0, 64)).hasMessageContaining("openFiles");
        assertThatThrownBy(() -> new ScriptLimits(10, 1L << 30, 256, -1)).hasMessageContaining("processes");
    }
}
