package io.aami.agent.identity;

import io.aami.agent.util.ProcessUid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    private static final long NOBODY = 65534;

    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private Path existing(String name, String mode) throws Exception {
        Path p = Files.createDirectory(dir.resolve(name));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void aStateDirTheAgentCreatesIs0700AndItsAncestorsStayTraversable() throws Exception {
        Path state = dir.resolve("var/lib/aami");
        StateDirectory.prepare(state, false);
        assertThat(mode(state)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("var/lib"))).as("ancestors hold nothing of ours").startsWith("rwx").isNotEqualTo("rwx------");
        StateDirectory.prepare(state, false);
        assertThat(mode(state)).as("again: nothing to do").isEqualTo("rwx------");
    }

    @Test
    void anOpenStateDirTheAgentOwnsIsTightened() throws Exception {
        for (String open : new String[] {"rwxr-xr-x", "rwx--x--x", "rwxrwxrwx", "rwx---r--"}) {
            Path state = existing("state-" + open.replace('-', '_'), open);
            Files.writeString(state.resolve("credentials.json"), "{}");
            StateDirectory.prepare(state, false, ProcessUid.effective());
            assertThat(mode(state)).as(open).isEqualTo("rwx------");
            assertThat(state.resolve("credentials.json")).exists();
        }
    }

    @Test
    void aWorkDirInsideKeepsOnlyGroupTraversal() throws Exception {
        Path traversable = existing("traversable", "rwx--x---");
        StateDirectory.prepare(traversable, true, ProcessUid.effective());
        assertThat(mode(traversable)).isEqualTo("rwx--x---");
        Path wide = existing("wide", "rwxr-xr-x");
        StateDirectory.prepare(wide, true, ProcessUid.effective());
        assertThat(mode(wide)).isEqualTo("rwx--x---");
    }

    @Test
    void aRootAgentRefusesAStateDirAnotherUserOwns() throws Exception {
        Path state = existing("foreign", "rwx------");
        Files.setAttribute(state, "unix:uid", (int) NOBODY);
        assertThatThrownBy(() -> StateDirectory.prepare(state, false, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to uid " + NOBODY).hasMessageContaining("agent.state_dir");
        // An unprivileged agent only warns (it cannot chmod what it does not own), and changes nothing.
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        StateDirectory.prepare(state, false, 4321);
        assertThat(mode(state)).isEqualTo("rwxr-xr-x");
    }

    @Test
    void aFileInItsPlaceIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("state"), "x");
        assertThatThrownBy(() -> StateDirectory.prepare(file, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a directory");
    }
}
