package io.aami.agent.checks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of check execution under the checks work dir: {@code scripts/<sha256>.<ext>}, content-addressed
 * and written atomically, and {@code work/<checkId>/}, each check's working and home directory.
 *
 * <p>When scripts run as another user (agent is root), that user can read but not change them:
 * {@code scripts/} is root-owned 0750 with the run-as group, each script 0640; {@code work/} is 0711
 * (enter, not list); {@code work/<checkId>} is owned by the run-as user, 0700. When that user could
 * not enter the checks work dir, the checks work dir gets the run-as group and g+x (enter without listing; not
 * o+x, which would let every local user open whatever world-readable file lies there); every
 * ancestor must already be enterable, else construction fails naming the directory. When scripts
 * run as the agent's own user, everything is 0700 / 0600.
 *
 * <p>As root, the checks work dir and its ancestors must be root's and writable by nobody else (see
 * {@link RootOwnedPaths}), and nothing below it is followed if it is a symbolic link: {@code work/<checkId>}
 * belongs to the run-as user, and a link there must never make root chown or chmod its target.
 */
final class ScriptStore {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptStore.class);

    private final Path root;
    private final Path scriptsDir;
    private final Path workRoot;
    private final RunAsUser runAs;

    /** @param runAs the user scripts switch to, or null when they run as the agent's own user */
    ScriptStore(Path root, RunAsUser runAs) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.scriptsDir = this.root.resolve("scripts");
        this.workRoot = this.root.resolve("work");
        this.runAs = runAs;
        if (runAs != null) {
            RootOwnedPaths.createWorkDir(this.root);
            makeReachable();
        } else {
            Files.createDirectories(this.root);
        }
        ensureDirs();
    }

    static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** A run's script file and working directory. */
    record RunFiles(Path script, Path workDir) {
    }

    /**
     * The script file for {@code content} (whose SHA-256 the caller verified to be {@code sha256}) and the
     * check's working directory, after setting the owners and modes of the directories holding them.
     */
    RunFiles forRun(byte[] content, String sha256, Interpreter interpreter, UUID checkId) throws IOException {
        ensureDirs();
        return new RunFiles(scriptIn(content, sha256, interpreter), workDirIn(checkId));
    }

    private Path scriptIn(byte[] content, String sha256, Interpreter interpreter) throws IOException {
        Path target = scriptsDir.resolve(sha256 + "." + interpreter.extension);
        String mode = runAs == null ? "rw-------" : "rw-r-----";
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && sha256Hex(Files.readAllBytes(target)).equals(sha256)) {
            RootOwnedPaths.setModeAndOwner(target, mode, -1, groupOrKeep());
            return target;
        }
        Path tmp = scriptsDir.resolve(".tmp-" + UUID.randomUUID() + "." + interpreter.extension);
        try {
            // A new file of root's, never an existing one or a link's target; readable by the run-as group only.
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                out.write(content);
            }
            RootOwnedPaths.setModeAndOwner(tmp, mode, -1, groupOrKeep());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * Deletes the script files whose content is not in {@code keep} (SHA-256 hex), so scripts of
     * removed or changed checks do not pile up. Files being written ({@code .tmp-*}) are left alone.
     * Work dirs are not collected: they belong to the run-as user, and a root agent deleting trees an
     * unprivileged script can rearrange under it (symlink swaps) is a hole not worth some kilobytes.
     *
     * @return how many files were deleted
     */
    int retainOnly(Set<String> keep) throws IOException {
        int deleted = 0;
        try (var files = Files.newDirectoryStream(scriptsDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int dot = name.indexOf('.');
                if (dot > 0 && !name.startsWith(".tmp-") && !keep.contains(name.substring(0, dot))
                        && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** The check's working directory, created and owned by whoever runs its scripts. */
    private Path workDirIn(UUID checkId) throws IOException {
        Path dir = workRoot.resolve(checkId.toString());
        RootOwnedPaths.ensureDirectory(dir);
        RootOwnedPaths.setModeAndOwner(dir, "rwx------", runAs == null ? -1 : runAs.uid(), groupOrKeep());
        return dir;
    }

    private void ensureDirs() throws IOException {
        RootOwnedPaths.ensureDirectory(scriptsDir);
        RootOwnedPaths.ensureDirectory(workRoot);
        RootOwnedPaths.setModeAndOwner(scriptsDir, runAs == null ? "rwx------" : "rwxr-x---", rootOrKeep(), groupOrKeep());
        RootOwnedPaths.setModeAndOwner(workRoot, runAs == null ? "rwx------" : "rwx--x--x", rootOrKeep(), -1);
    }

    /** As root, scripts/ and work/ are root's whoever made them, so the run-as user cannot add to them. */
    private long rootOrKeep() {
        return runAs == null ? -1 : 0;
    }

    private long groupOrKeep() {
        return runAs == null ? -1 : runAs.gid();
    }

    /**
     * Lets the run-as user enter the checks work dir, through its group rather than o+x: other local users
     * must not reach files there that happen to be world-readable.
     */
    private void makeReachable() throws IOException {
        for (Path dir = root.getParent(); dir != null; dir = dir.getParent()) {
            if (!enterable(dir)) {
                throw new IllegalStateException("check scripts run as '" + runAs.name() + "' cannot enter " + dir
                        + " on the way to the checks work dir (checks.work_dir) " + root + "; allow it (chmod o+x " + dir
                        + ") or move the checks work dir");
            }
        }
        if (enterable(root)) {
            return;
        }
        long group = ((Number) Files.getAttribute(root, "unix:gid")).longValue();
        if (group != 0 && group != runAs.gid()) {
            throw new IllegalStateException("check scripts run as '" + runAs.name() + "' cannot enter the checks work dir "
                    + root + ", whose group (" + group + ") is neither root nor theirs; allow it (chgrp "
                    + runAs.gid() + " and chmod g+x)");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(root);
        mode.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setAttribute(root, "unix:gid", (int) runAs.gid(), LinkOption.NOFOLLOW_LINKS);
        RootOwnedPaths.setMode(root, PosixFilePermissions.toString(mode));
        LOG.info("checks work dir {} now group {} with g+x (enter, not list) so check scripts running as '{}' reach their"
                + " files", root, runAs.gid(), runAs.name());
    }

    /** Whether the run-as user may search {@code dir}, by its owner, group or other execute bit. */
    private boolean enterable(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (((Number) Files.getAttribute(dir, "unix:uid")).longValue() == runAs.uid()) {
            return mode.contains(PosixFilePermission.OWNER_EXECUTE);
        }
        if (((Number) Files.getAttribute(dir, "unix:gid")).longValue() == runAs.gid()) {
            return mode.contains(PosixFilePermission.GROUP_EXECUTE);
        }
        return mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

}
