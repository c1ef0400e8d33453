package io.aami.agent.spool;

import java.io.IOException;
import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * fsync of a directory, so a created or renamed file's name survives power failure, and the atomic
 * owner-only file replacement built on it.
 */
final class DirSync {
    /** Windows cannot open a directory as a file; there the rename is all we can do. */
    private static final boolean SUPPORTED =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private DirSync() {
    }

    /**
     * Replaces {@code file} with {@code content} atomically through {@code tmp}: readers see the old or
     * the new content, never a torn one. Created 0600 (the spool's bookkeeping is the agent's alone);
     * with {@code fsync} the content and the rename are durable before this returns.
     */
    static void replaceFile(Path file, Path tmp, byte[] content, boolean fsync) throws IOException {
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // A stream, not a FileChannel: an interrupt must not abort the write of a seq the spool relies on.
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(content);
            if (fsync) {
                out.getFD().sync();
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            sync(file.toAbsolutePath().getParent());
        }
    }

    static void sync(Path dir) throws IOException {
        if (!SUPPORTED) {
            return;
        }
        // A FileChannel is closed by an interrupt of the thread using it; clear the flag for the
        // moment of the sync and restore it, so an interrupted appender still makes its seq durable.
        boolean interrupted = Thread.interrupted();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
