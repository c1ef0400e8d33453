package io.aami.agent.spool;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of one record, big-endian:
 * <pre>
 *  offset size field
 *   0     4    magic       sync marker a reader scans for to resynchronise after damage
 *   4     4    crc32c      over bytes 8..27 and the payload
 *   8     4    length      payload bytes
 *  12     8    seq
 *  20     8    appendedAt  epoch milliseconds
 *  28     n    payload
 * </pre>
 * A segment file is nothing but such records back to back.
 */
final class RecordFormat {
    static final int MAGIC = 0xA55A17C3;
    static final int HEADER_BYTES = 28;
    static final int CRC_OFFSET = 4;
    /** The checksummed header fields start here (length, seq, appendedAt). */
    static final int CHECKED_OFFSET = 8;

    private RecordFormat() {
    }

    /** The whole record, ready for one write. */
    static byte[] encode(long seq, long appendedAtMillis, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        b.putInt(MAGIC).putInt(0).putInt(payload.length).putLong(seq).putLong(appendedAtMillis).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), CHECKED_OFFSET, b.capacity() - CHECKED_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        return b.array();
    }
}
