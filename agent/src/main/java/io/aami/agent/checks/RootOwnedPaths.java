package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The root agent's rules for the checks work dir, so that no other user can redirect what root creates,
 * chowns or chmods there, nor swap a script between its check and its run (OpenSSH's StrictModes,
 * applied to every ancestor):
 * <ul>
 *   <li>the work dir and each of its ancestors is a directory owned by root and writable by neither group
 *       nor others, sticky or not: a world-writable ancestor such as {@code /tmp} lets any user
 *       pre-create or replace the path below it before the agent first runs;</li>
 *   <li>the work dir itself is not a symbolic link; a link among its ancestors must be root's, and then
 *       its target's ancestors obey the same rule;</li>
 *   <li>below it, paths are created one level at a time and never followed: a link where a directory or
 *       file is expected is an error, and modes and owners are set on the link itself if at all.</li>
 * </ul>
 */
final class RootOwnedPaths {
    private static final Path ROOT = Path.of("/");

    private RootOwnedPaths() {
    }

    /**
     * Checks the existing part of {@code dir}'s path, creates the missing directories (root's, 0755, the
     * last 0700) and checks the whole chain again.
     *
     * @throws IllegalStateException naming the first path that breaks the rules
     */
    static void createWorkDir(Path dir) throws IOException {
        Path existing = dir;
        List<Path> missing = new ArrayList<>();
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.add(0, existing);
            existing = existing.getParent();
        }
        requireRootOnly(existing);
        for (Path part : missing) {
            Files.createDirectory(part);
            setMode(part, part.equals(dir) ? "rwx------" : "rwxr-xr-x");
        }
        requireRootOnly(dir);
        if (Files.isSymbolicLink(dir)) {
            throw new IllegalStateException("the checks work dir (checks.work_dir) " + dir + " is a symbolic link to "
                    + Files.readSymbolicLink(dir) + "; configure the directory itself");
        }
    }

    /** {@code path} and every ancestor, as written and as resolved, obey the rules above. */
    static void requireRootOnly(Path path) throws IOException {
        for (Path p = path.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            requireRootOnlyEntry(p);
        }
        Path real = path.toRealPath();
        if (!real.equals(path.toAbsolutePath().normalize())) {
            for (Path p = real; p != null; p = p.getParent()) {
                requireRootOnlyEntry(p);
            }
        }
    }

    private static void requireRootOnlyEntry(Path p) throws IOException {
        PosixFileAttributes attrs = lstat(p);
        boolean link = attrs.isSymbolicLink();
        String problem = null;
        if (((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() != 0) {
            problem = "is owned by uid " + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ", not root";
        } else if (!link && !attrs.isDirectory()) {
            problem = "is not a directory";
        } else if (!link && (attrs.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE))) {
            problem = "is writable by " + (attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE) ? "others"
                    : "its group") + " (" + PosixFilePermissions.toString(attrs.permissions()) + ")";
        }
        if (problem != null) {
            throw new IllegalStateException("the agent runs as root, so the checks work dir (checks.work_dir) and all"
                    + " its parents must be root's and writable only by root, but " + p + " " + problem
                    + "; another user could replace what the agent creates there. Fix it or move checks.work_dir"
                    + (p.equals(ROOT) ? "" : " (e.g. under /var/lib)"));
        }
    }

    /**
     * Creates {@code dir} if missing; an existing entry must be a real directory (not a link).
     *
     * @throws IOException naming the path otherwise
     */
    static void ensureDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException exists) {
            if (!lstat(dir).isDirectory()) {
                throw new IOException(dir + " is not a directory" + (Files.isSymbolicLink(dir)
                        ? " but a symbolic link to " + Files.readSymbolicLink(dir) : "") + "; the agent does not follow it");
            }
        }
    }

    /** Sets mode and, where not -1, owner and group of {@code path} itself; fails on a symbolic link. */
    static void setModeAndOwner(Path path, String mode, long uid, long gid) throws IOException {
        if (lstat(path).isSymbolicLink()) {
            throw new IOException(path + " is a symbolic link; the agent does not follow it");
        }
        if (uid >= 0) {
            Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (gid >= 0) {
            Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
        }
        setMode(path, mode);
    }

    /** chmod without following a link: the JDK opens the file O_NOFOLLOW and uses fchmod. */
    static void setMode(Path path, String mode) throws IOException {
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString(mode));
    }

    static PosixFileAttributes lstat(Path path) throws IOException {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
}
