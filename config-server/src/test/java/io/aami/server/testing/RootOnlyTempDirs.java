package io.aami.server.testing;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * {@code @TempDir}s for tests that run a root agent: a root agent refuses a checks work dir with a
 * group- or world-writable ancestor such as /tmp, so as root the temp dirs live in a directory whose
 * whole path is root's and writable only by root: {@code <module>/target/root-only-tmp} when the
 * checkout's path qualifies, else {@code /var/lib/aami-tests}. Not root: the default temp dir.
 * Modules select it in {@code junit-platform.properties} ({@code junit.jupiter.tempdir.factory.default}).
 */
public final class RootOnlyTempDirs implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Files.createTempDirectory("junit");
        }
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        for (Path parent : List.of(Path.of(basedir, "target", "root-only-tmp"), Path.of("/var/lib/aami-tests"))) {
            if (rootOnly(parent.toAbsolutePath().getParent())) {
                try {
                    Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                } catch (FileAlreadyExistsException exists) {
                    // made by an earlier test
                }
                if (rootOnly(parent)) {
                    return Files.createTempDirectory(parent, "junit");
                }
            }
        }
        throw new IllegalStateException("no root-only directory for the tests' temp dirs");
    }

    private static boolean rootOnly(Path path) throws IOException {
        for (Path p = path.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            PosixFileAttributes attrs = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.owner().getName().equals("root") || attrs.isSymbolicLink()
                    || attrs.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                return false;
            }
        }
        return true;
    }
}
