package io.aami.agent.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** fsync of a directory, so a created or renamed file's name survives power failure. */
final class DirSync {
    /** Windows cannot open a directory as a file; there the rename is all we can do. */
    private static final boolean SUPPORTED =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private DirSync() {
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
