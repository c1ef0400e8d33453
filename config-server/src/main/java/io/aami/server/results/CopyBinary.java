package io.aami.server.results;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Builds rows in PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN WITH (FORMAT binary)}):
 * the header, per row a field count and each field as its length and the type's binary form, and the
 * trailer. The database then parses no text: a uuid is 16 bytes, a timestamptz 8, where the text format
 * made PostgreSQL parse every uuid and timestamp of every row (most of its CPU per row in the ingest
 * profile). Every field written must match the COPY's column list in order and type exactly.
 */
public final class CopyBinary {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private final short fields;
    private byte[] buf;
    private int len;
    private int rowFields = -1;

    /** @param fields the number of columns of the COPY's column list, written in every row */
    public CopyBinary(int fields, int expectedRows) {
        this.fields = (short) fields;
        this.buf = new byte[HEADER.length + 2 + expectedRows * 192];
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        len = HEADER.length;
    }

    public CopyBinary uuid(UUID u) {
        begin(16);
        putLong(u.getMostSignificantBits());
        putLong(u.getLeastSignificantBits());
        return this;
    }

    public CopyBinary int8(long v) {
        begin(8);
        putLong(v);
        return this;
    }

    public CopyBinary int4(int v) {
        begin(4);
        putInt(v);
        return this;
    }

    /** A nullable integer column. */
    public CopyBinary int4(Integer v) {
        return v == null ? nullField() : int4(v.intValue());
    }

    public CopyBinary int2(short v) {
        begin(2);
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public CopyBinary bool(boolean v) {
        begin(1);
        buf[len++] = (byte) (v ? 1 : 0);
        return this;
    }

    /** Text as UTF-8; a NUL, which no PostgreSQL text can hold, becomes a space (as {@link CopyText} does). */
    public CopyBinary text(String s) {
        byte[] utf8 = (s.indexOf('\0') >= 0 ? s.replace('\0', ' ') : s).getBytes(StandardCharsets.UTF_8);
        begin(utf8.length);
        System.arraycopy(utf8, 0, buf, len, utf8.length);
        len += utf8.length;
        return this;
    }

    /** A timestamptz: microseconds since 2000-01-01 UTC, rounded as PostgreSQL rounds the same instant given as text. */
    public CopyBinary timestamptz(Instant t) {
        begin(8);
        putLong((t.getEpochSecond() - PG_EPOCH_SECONDS) * 1_000_000L + micros(t.getNano()));
        return this;
    }

    public CopyBinary nullField() {
        countField();
        ensure(4);
        putInt(-1);
        return this;
    }

    public CopyBinary endRow() {
        if (rowFields != fields) {
            throw new IllegalStateException("a COPY row of " + fields + " columns was given " + rowFields + " fields");
        }
        rowFields = -1;
        return this;
    }

    /** The complete COPY data: header, rows, trailer. */
    public byte[] bytes() {
        ensure(2);
        byte[] out = Arrays.copyOf(buf, len + 2);
        out[len] = (byte) 0xff;
        out[len + 1] = (byte) 0xff;
        return out;
    }

    /**
     * The microseconds of a nanosecond fraction as PostgreSQL reads the fraction from text: strtod of
     * the decimal, times 10^6, rint (round half to even on the double). {@code nanos / 1e9} is that
     * same double (IEEE division is correctly rounded, as strtod is) and the rest is the same IEEE
     * arithmetic, so a stored instant is the same by either format. May be 10^6 (the next second), as
     * in PostgreSQL.
     */
    static long micros(int nanos) {
        return nanos % 1000 == 0 ? nanos / 1000 : (long) Math.rint(nanos / 1e9 * 1_000_000);
    }

    private void begin(int bytes) {
        countField();
        ensure(4 + bytes);
        putInt(bytes);
    }

    private void countField() {
        if (rowFields < 0) {
            ensure(2);
            buf[len++] = (byte) (fields >>> 8);
            buf[len++] = (byte) fields;
            rowFields = 0;
        }
        rowFields++;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void putInt(int v) {
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
