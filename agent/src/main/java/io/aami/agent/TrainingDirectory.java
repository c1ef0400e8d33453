package io.aami.agent;

import io.aami.agent.util.ProcessUid;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The training agent's temporary directory: made where root alone can make entries, and removed without following
 * any link. The check it runs works in a directory owned by its {@code nobody} user, which any process of that user
 * could fill with links and swap for links while root deletes; so the tree is deleted through directory handles
 * ({@link SecureDirectoryStream}: {@code openat}/{@code unlinkat} with no link followed), never by path names that
 * a swapped directory could send into {@code /etc}.
 */
final class TrainingDirectory {
    private TrainingDirectory() {
    }

    /** A new directory, 0711 (the checks user must pass through it to its work directory; the state inside is 0700). */
    static Path create() throws IOException {
        return Files.createTempDirectory(parent(), "aami-agent-train", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx--x--x")));
    }

    /** Removes {@code dir} and everything below it, links as links; a failure leaves the rest (it is only a temporary directory). */
    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            if (stream instanceof SecureDirectoryStream<Path> secure) {
                deleteContents(secure);
                Files.delete(dir);
            }
        } catch (IOException | RuntimeException e) {
            // a temporary directory left behind is no reason to fail the training
        }
    }

    private static void deleteContents(SecureDirectoryStream<Path> dir) throws IOException {
        for (Path entry : dir) {
            Path name = entry.getFileName();
            boolean directory = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes().isDirectory();
            if (directory) {
                // NOFOLLOW: a directory swapped for a link since it was read fails here instead of being entered.
                try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    deleteContents(child);
                }
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name);
            }
        }
    }

    /**
     * The JVM's temporary directory, except as root, where the agent refuses a scripts directory below one that others
     * can write ({@code /tmp}): there {@code /run} (root's on every systemd host), when it is root's alone.
     */
    private static Path parent() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path run = Path.of("/run");
        if (ProcessUid.effective() != 0 || !Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS)) {
            return tmp;
        }
        try {
            boolean rootOnly = ((Number) Files.getAttribute(run, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue() == 0
                    && (((Number) Files.getAttribute(run, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 022) == 0;
            return rootOnly ? run : tmp;
        } catch (IOException | UnsupportedOperationException e) {
            return tmp;
        }
    }
}
