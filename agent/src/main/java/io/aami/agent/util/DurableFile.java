package io.aami.agent.util;

import io.aami.common.pki.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;

/**
 * Replaces a small 0600 file so that after a crash or power loss it holds either the old or the new
 * bytes, never half, and the new ones once this returns ({@link PrivateFiles#write}: temp file,
 * fsync, atomic rename, fsync of the directory), also when the writing thread is interrupted meanwhile. Used for what
 * the agent's trust rests on (its key and certificate, the pinned policy key, the rollback floor, the last good bundle,
 * its credentials).
 */
public final class DurableFile {
    private DurableFile() {
    }

    /** Attempts of one write that an interrupt cut short; shutdown interrupts a thread once or twice, not forever. */
    static final int ATTEMPTS = 3;

    public static void write(Path file, byte[] content) throws IOException {
        retrying(() -> PrivateFiles.write(file, content));
    }

    /** {@link #write} with mode 0644, for certificates others may read ({@link PrivateFiles#writeWorldReadable}). */
    public static void writeWorldReadable(Path file, byte[] content) throws IOException {
        retrying(() -> PrivateFiles.writeWorldReadable(file, content));
    }

    /** {@link PrivateFiles#rename}, its directory's fsync also made when the thread is interrupted meanwhile. */
    public static void rename(Path from, Path to) throws IOException {
        retrying(() -> PrivateFiles.rename(from, to));
    }

    private static void retrying(Runnable write) throws IOException {
        // An interrupt closes a FileChannel mid-write (ClosedByInterruptException); the agent's loops are interrupted on
        // shutdown, and what one was storing must still land whole. So the interrupt is put aside for the write, and a
        // write it arrives during is made again, then the interrupt is restored.
        boolean interrupted = false;
        try {
            for (int attempt = 1; ; attempt++) {
                interrupted |= Thread.interrupted();
                try {
                    write.run();
                    return;
                } catch (UncheckedIOException e) {
                    if (!(e.getCause() instanceof ClosedByInterruptException) || attempt == ATTEMPTS) {
                        throw e.getCause();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
