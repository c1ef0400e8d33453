package io.aami.agent.util;

import io.aami.common.pki.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Replaces a small 0600 file so that after a crash or power loss it holds either the old or the new
 * bytes, never half, and the new ones once this returns ({@link PrivateFiles#write}: temp file,
 * fsync, atomic rename, fsync of the directory). Used for what the agent's trust rests on (the
 * pinned policy key, the rollback floor, the last good bundle).
 */
public final class DurableFile {
    private DurableFile() {
    }

    public static void write(Path file, byte[] content) throws IOException {
        // An interrupt closes a FileChannel mid-write; the policy poller is interrupted on shutdown,
        // and what it was storing must still land whole.
        boolean interrupted = Thread.interrupted();
        try {
            PrivateFiles.write(file, content);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
