package io.aami.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training's temporary directory: made where others cannot make entries, and removed with every link in it
 * removed as a link, never followed, so a checks user who filled its work directory with links to root's files (or
 * directories) makes root delete nothing outside it.
 */
class TrainingDirectoryTest {
    @TempDir
    Path outside;

    @Test
    void linksInsideAreRemovedAsLinksAndWhatTheyPointAtStays() throws Exception {
        Path precious = Files.createDirectories(outside.resolve("etc"));
        Path secret = Files.writeString(precious.resolve("shadow"), "root:x\n");
        Path dir = TrainingDirectory.create();
        Path work = Files.createDirectories(dir.resolve("checks/work/check-id/deep"));
        Files.writeString(work.resolve("output"), "ok");
        Files.createSymbolicLink(work.resolve("to-dir"), precious);
        Files.createSymbolicLink(work.getParent().resolve("to-file"), secret);
        Files.createSymbolicLink(dir.resolve("dangling"), outside.resolve("nothing"));

        TrainingDirectory.deleteQuietly(dir);

        assertThat(dir).doesNotExist();
        assertThat(secret).hasContent("root:x\n");
        assertThat(precious).isDirectory();
    }

    @Test
    void itIsMadeWhereOnlyRootMakesEntriesAndOthersMayOnlyPassThrough() throws Exception {
        Path dir = TrainingDirectory.create();
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                    .isEqualTo("rwx--x--x");
            if (System.getProperty("user.name").equals("root")) {
                assertThat(dir.getParent()).as("not /tmp: the agent refuses a scripts directory below one others can write")
                        .isEqualTo(Path.of("/run"));
            }
        } finally {
            TrainingDirectory.deleteQuietly(dir);
        }
        assertThat(dir).doesNotExist();
    }
}
