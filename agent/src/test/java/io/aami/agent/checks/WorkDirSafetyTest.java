package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.policy.CheckSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The root agent and symlinks or foreign owners in and above its checks work dir (root, 'nobody'). */
@ExtendWith(NobodysProcesses.class)
class WorkDirSafetyTest {
    @TempDir
    Path dir;
    private Path precious;
    private Path underTmp;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Fixtures.isRoot(), "about the root agent");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Stands for /etc: root's, 0700, which must keep its owner, group and mode.
        precious = Files.createDirectory(dir.resolve("precious"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (underTmp != null) {
            Files.deleteIfExists(underTmp);
        }
    }

    private static ScriptExecutor executor(Path workDir) {
        return ScriptExecutorBuilder.in(workDir).containment("rlimit").build();
    }

    private void assertPreciousUntouched() throws Exception {
        assertThat(Files.getAttribute(precious, "unix:uid")).isEqualTo(0);
        assertThat(Files.getAttribute(precious, "unix:gid")).isEqualTo(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(precious))).isEqualTo("rwx------");
    }

    @Test
    void aSymlinkedWorkDirIsRefusedAndItsTargetKeepsOwnerAndMode() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("state"), precious);

        assertThatThrownBy(() -> executor(link)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
        assertPreciousUntouched();
    }

    @Test
    void aCheckWorkDirReplacedByASymlinkIsNeitherChownedNorUsed() throws Exception {
        Path state = dir.resolve("state");
        ScriptExecutor executor = executor(state);
        CheckSpec spec = spec(UUID.randomUUID(), "sh", "touch planted; echo ran", List.of(), Map.of(), 60, 10);
        Files.createSymbolicLink(state.resolve("work").resolve(spec.checkId().toString()), precious);

        CheckExecution e = executor.execute(spec);

        assertThat(e.status()).isEqualTo("unknown");
        assertThat(e.output()).contains("symbolic link").doesNotContain("ran");
        assertPreciousUntouched();
        assertThat(precious.resolve("planted")).doesNotExist();
    }

    @Test
    void aWorkDirOwnedByTheRunAsUserIsAStartupError() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setAttribute(state, "unix:uid", 65534);

        assertThatThrownBy(() -> executor(state)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(state + " is owned by uid 65534");
    }

    @Test
    void aGroupOrWorldWritableWorkDirIsAStartupError() throws Exception {
        for (String mode : List.of("rwxrwx---", "rwx---rwx")) {
            Path state = Files.createDirectories(dir.resolve("state-" + mode));
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString(mode));

            assertThatThrownBy(() -> executor(state)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(state + " is writable by");
        }
    }

    @Test
    void aWorkDirBelowAWorldWritableDirectoryIsAStartupErrorEvenWhenRootMadeIt() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp")).toRealPath();
        assumeTrue(Files.getPosixFilePermissions(tmp).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE),
                "needs a world-writable temp dir such as /tmp");
        underTmp = tmp.resolve("aami-workdir-test-" + UUID.randomUUID());

        assertThatThrownBy(() -> executor(underTmp)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(tmp + " is writable by others");
        assertThat(underTmp).as("nothing is created below it either").doesNotExist();
    }

    @Test
    void aParentOwnedByAnotherUserIsAStartupError() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);

        assertThatThrownBy(() -> executor(theirs.resolve("state"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(theirs + " is owned by uid 65534");
        assertThat(theirs.resolve("state")).doesNotExist();
    }

    @Test
    void scriptsAreRootsAndReadOnlyForTheRunAsUser() throws Exception {
        Path state = dir.resolve("state");
        CheckSpec spec = spec("sh", "echo x 2>/dev/null >> \"$0\" || echo cannot-modify;"
                + " touch \"$(dirname \"$0\")/new\" 2>/dev/null || echo cannot-add");

        CheckExecution e = executor(state).execute(spec);

        assertThat(e.output()).isEqualTo("cannot-modify\ncannot-add\n");
        Path script = state.resolve("scripts").resolve(spec.scriptSha256() + ".sh");
        assertThat(Files.getAttribute(script, "unix:uid")).isEqualTo(0);
        assertThat(Files.getAttribute(state.resolve("scripts"), "unix:uid")).isEqualTo(0);
    }
}
