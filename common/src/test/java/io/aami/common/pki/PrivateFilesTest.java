package io.aami.common.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesOwnerOnlyFilesAndCreatesOwnerOnlyDirectories() throws Exception {
        Path file = dir.resolve("a/b/key.pem");

        PrivateFiles.write(file, "secret".getBytes());

        assertThat(file).hasContent("secret");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
    }

    @Test
    void replacesAnExistingFileAndItsLooserMode() throws Exception {
        Path file = dir.resolve("key.pem");
        Files.writeString(file, "old old old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        PrivateFiles.write(file, "new".getBytes());

        assertThat(file).hasContent("new");
        assertThat(mode(file)).isEqualTo("rw-------");
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void worldReadableFilesAre0644() throws Exception {
        Path file = dir.resolve("ca.crt");

        PrivateFiles.writeWorldReadable(file, "cert".getBytes());

        assertThat(mode(file)).isEqualTo("rw-r--r--");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
