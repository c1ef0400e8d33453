package io.aami.server.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Directories only the server's user may enter (secrets, binaries, the cluster). */
final class PrivateDirs {
    private PrivateDirs() {
    }

    /** Creates {@code dir} (and parents) if needed and makes it mode 0700; refuses a symlink. */
    static Path create(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " must be a directory, not a link");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }
}
