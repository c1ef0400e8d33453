package io.aami.agent.spool;

import static io.aami.agent.spool.RecordFormat.CHECKED_OFFSET;
import static io.aami.agent.spool.RecordFormat.HEADER_BYTES;
import static io.aami.agent.spool.RecordFormat.MAGIC;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment file through a window buffer, skipping damage: a position that
 * does not hold a record whose length fits and whose CRC matches is damage, and the reader moves on
 * byte by byte to the next sync marker that starts an intact record. Uses {@link RandomAccessFile},
 * not a FileChannel, because an interrupt during a channel read would close the channel.
 */
final class SegmentReader implements Closeable {
    private static final int WINDOW_BYTES = 64 * 1024;

    private final RandomAccessFile file;
    private final byte[] window = new byte[WINDOW_BYTES];
    private final ByteBuffer view = ByteBuffer.wrap(window);
    private final CRC32C crc = new CRC32C();
    private long windowStart;
    private int windowLength;

    SegmentReader(Path path) throws IOException {
        this.file = new RandomAccessFile(path.toFile(), "r");
    }

    /**
     * The first intact record starting at or after {@code pos} and ending by {@code limit}, or null when
     * there is none. If the record starts after {@code pos}, the bytes in between are damage.
     */
    Frame next(long pos, long limit) throws IOException {
        for (long p = pos; p + HEADER_BYTES <= limit; p++) {
            if (!ensure(p, 4, limit) || view.getInt(index(p)) != MAGIC) {
                continue;
            }
            Frame frame = frameAt(p, limit);
            if (frame != null) {
                return frame;
            }
        }
        return null;
    }

    private Frame frameAt(long p, long limit) throws IOException {
        if (!ensure(p, HEADER_BYTES, limit)) {
            return null;
        }
        int i = index(p);
        int storedCrc = view.getInt(i + RecordFormat.CRC_OFFSET);
        int length = view.getInt(i + CHECKED_OFFSET);
        long seq = view.getLong(i + 12);
        long appendedAt = view.getLong(i + 20);
        if (length < 0 || length > limit - p - HEADER_BYTES) {
            return null;
        }
        crc.reset();
        crc.update(window, i + CHECKED_OFFSET, HEADER_BYTES - CHECKED_OFFSET);
        byte[] payload = read(p + HEADER_BYTES, length, limit);
        if (payload == null) {
            return null;
        }
        crc.update(payload);
        if ((int) crc.getValue() != storedCrc) {
            return null;
        }
        return new Frame(p, p + HEADER_BYTES + length, seq, appendedAt, payload);
    }

    private byte[] read(long pos, int length, long limit) throws IOException {
        byte[] out = new byte[length];
        if (length <= WINDOW_BYTES) {
            if (!ensure(pos, length, limit)) {
                return null;
            }
            System.arraycopy(window, index(pos), out, 0, length);
            return out;
        }
        file.seek(pos);
        int done = 0;
        while (done < length) {
            int n = file.read(out, done, length - done);
            if (n < 0) {
                return null;
            }
            done += n;
        }
        return out;
    }

    /** Makes the window cover [pos, pos + n); false if the file ends (or limit comes) first. */
    private boolean ensure(long pos, int n, long limit) throws IOException {
        if (pos >= windowStart && pos + n <= windowStart + windowLength) {
            return true;
        }
        int want = (int) Math.min(WINDOW_BYTES, limit - pos);
        file.seek(pos);
        int filled = 0;
        while (filled < want) {
            int r = file.read(window, filled, want - filled);
            if (r < 0) {
                break;
            }
            filled += r;
        }
        windowStart = pos;
        windowLength = filled;
        return filled >= n;
    }

    private int index(long pos) {
        return (int) (pos - windowStart);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
