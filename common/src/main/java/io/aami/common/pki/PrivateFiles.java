package io.aami.common.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Atomic file replacement for key material: the content goes to a temporary file in the same
 * directory that is created with its final mode (so a private key is never readable by others, not
 * even for a moment), is flushed to disk, and then renamed over the target. A crash leaves either
 * the old file or the new one, never a truncated key.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Writes {@code content} to {@code file} with mode 0600; missing parent directories are created 0700. */
    public static void write(Path file, byte[] content) {
        replace(file, content, OWNER_ONLY);
    }

    /** Same as {@link #write} but mode 0644, for certificates and public keys operators may copy. */
    public static void writeWorldReadable(Path file, byte[] content) {
        replace(file, content, WORLD_READABLE);
    }

    private static void replace(Path file, byte[] content, Set<PosixFilePermission> mode) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            }
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                // The umask may have narrowed a wider mode at creation; 0600 is never widened before the data is in.
                Files.setPosixFilePermissions(tmp, mode);
                writeDurably(tmp, content);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            syncDirectory(dir);
        } catch (UnsupportedOperationException e) {
            throw new PkiException("cannot write " + target + ": its file system has no POSIX permissions, "
                    + "so the file could not be restricted to its owner", e);
        } catch (AtomicMoveNotSupportedException e) {
            throw new PkiException("cannot write " + target + ": its file system cannot rename atomically", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Renames {@code from} over {@code to} atomically and makes the rename durable: after a crash either name holds
     * what it held before or {@code to} holds what {@code from} did. Both must be in one directory.
     */
    public static void rename(Path from, Path to) {
        Path target = to.toAbsolutePath();
        try {
            Files.move(from.toAbsolutePath(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
        } catch (AtomicMoveNotSupportedException e) {
            throw new PkiException("cannot rename " + from + " to " + target + ": its file system cannot rename atomically", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + target, e);
        }
    }

    private static void writeDurably(Path tmp, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** Makes the rename itself durable; best effort because not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The data is already on disk; at worst a crash right now brings back the previous file.
        }
    }
}
