package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 16: a check's {@code LD_PRELOAD} pointing at a shared object of the attacker's.
 * The object marks every process it is loaded into; none may be root's. Filtering such names is the
 * executor's job; this is the line below it, so the sandbox gets the variable unfiltered here.
 */
@ExtendWith(NobodysProcesses.class)
class PrivilegeDropEnvironmentTest {
    @TempDir
    Path dir;
    private Path marks;
    private Path library;

    @BeforeEach
    void buildTheSharedObject() throws Exception {
        assumeTrue(Fixtures.isRoot(), "about the root agent");
        assumeTrue(PreloadHook.buildable() || System.getenv("AAMI_REQUIRE_TOOLS") != null, "no C compiler (cc) on this host");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        marks = Files.createDirectory(dir.resolve("marks"));
        Files.setPosixFilePermissions(marks, PosixFilePermissions.fromString("rwxrwxrwx"));
        library = PreloadHook.build(dir, marks.resolve("loaded"));
    }

    @Test
    void aPreloadedLibraryNeverLoadsIntoARootProcessWithOrWithoutACgroup() throws Exception {
        for (String mode : List.of("auto", "rlimit")) {
            assertItLoadsIntoTheScriptOnly(Sandbox.create("nobody", ScriptLimits.DEFAULTS, mode, null), mode);
        }
    }

    @Test
    void norIntoAamiRunWhichRunsAsRootUntilTheSwitch() throws Exception {
        Path helper = RunHelpers.built();
        for (String mode : List.of("auto", "rlimit")) {
            assertItLoadsIntoTheScriptOnly(Sandbox.create("nobody", ScriptLimits.DEFAULTS, mode, helper), mode + " by aami-run");
        }
    }

    private void assertItLoadsIntoTheScriptOnly(Sandbox sandbox, String mode) throws Exception {
        ProcessRun run = new ProcessRun(new ProcessGroupKiller(sandbox.killTool()), sandbox.ownProcessGroup(), 4096);
        try (RunCgroup cgroup = sandbox.newRun()) {
            List<String> command = sandbox.command(cgroup, 10, Path.of("/bin/sh"), writeScript(), List.of(),
                    Map.of("LD_PRELOAD", library.toString(), "PATH", ScriptExecutor.PATH));

            ProcessRun.Outcome outcome = run.run(command, cgroup, dir, Duration.ofSeconds(10));

            assertThat(outcome.output()).as(mode).isEqualTo("ran\n");
        }
        List<String> marked;
        try (Stream<Path> files = Files.list(marks)) {
            marked = files.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(marked).as("%s: the object loaded, into the script only", mode).isNotEmpty()
                .allMatch(name -> name.equals("loaded.65534"));
        for (String name : marked) {
            Files.delete(marks.resolve(name));
        }
    }

    private Path writeScript() throws Exception {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "id -u >/dev/null; echo ran\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        return script;
    }
}
