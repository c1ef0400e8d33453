package io.aami.agent.spool;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;

/**
 * Appends records to the active segment. A {@link FileOutputStream}, not a FileChannel: an interrupt
 * (a check cancelled with {@code Future.cancel(true)}) must not close the spool's file under everyone.
 * Writes come from appenders under the spool lock; {@link #syncIfDirty} may race with them and with
 * {@link #close}, from the fsync timer, which is why sync and close are synchronized.
 */
final class SegmentWriter {
    private final FileOutputStream out;
    private volatile boolean dirty;
    private boolean closed;

    private SegmentWriter(FileOutputStream out) {
        this.out = out;
    }

    /** A writer on a new, empty file; fails if the file exists, so a segment is never appended to twice. */
    static SegmentWriter create(Path file) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return new SegmentWriter(new FileOutputStream(file.toFile(), true));
    }

    /** One {@code write(2)}: once this returns, a process crash no longer loses the record. */
    void write(byte[] record) throws IOException {
        out.write(record);
        dirty = true;
    }

    synchronized void sync() throws IOException {
        if (!closed) {
            dirty = false;
            out.getFD().sync();
        }
    }

    synchronized void syncIfDirty() throws IOException {
        if (dirty) {
            sync();
        }
    }

    synchronized void close(boolean sync) throws IOException {
        if (closed) {
            return;
        }
        try {
            if (sync) {
                syncIfDirty();
            }
        } finally {
            closed = true;
            out.close();
        }
    }
}
