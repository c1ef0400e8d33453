package io.aami.terraform.plugin;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Just enough DER to write {@link AutoMtls}'s one certificate: the JDK signs and parses certificates but has
 * no public API to build one, and a certificate library costs more at start-up than the whole certificate
 * (Bouncy Castle's provider alone was ~500 classes, loaded by Netty as soon as it sees the library).
 */
final class Der {
    private Der() {
    }

    static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    static byte[] integer(BigInteger v) {
        return tlv(0x02, v.toByteArray());
    }

    static byte[] bool(boolean v) {
        return tlv(0x01, new byte[] {v ? (byte) 0xff : 0});
    }

    static byte[] octets(byte[] content) {
        return tlv(0x04, content);
    }

    /** A BIT STRING of whole bytes whose last {@code unusedBits} bits are padding. */
    static byte[] bits(byte[] content, int unusedBits) {
        byte[] b = new byte[content.length + 1];
        b[0] = (byte) unusedBits;
        System.arraycopy(content, 0, b, 1, content.length);
        return tlv(0x03, b);
    }

    static byte[] utf8(String s) {
        return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code [n] EXPLICIT}: a constructed context tag around an encoded value. */
    static byte[] explicit(int n, byte[] encoded) {
        return tlv(0xa0 | n, encoded);
    }

    /** {@code [n] IMPLICIT} over a primitive value's content octets. */
    static byte[] implicit(int n, byte[] content) {
        return tlv(0x80 | n, content);
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(0x06, out.toByteArray());
    }

    /** RFC 5280's Time: UTCTime through 2049, GeneralizedTime from 2050, to the second, in UTC. */
    static byte[] time(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        String hms = two(t.getMonthValue()) + two(t.getDayOfMonth()) + two(t.getHour()) + two(t.getMinute())
                + two(t.getSecond()) + "Z";
        return t.getYear() < 2050
                ? tlv(0x17, (two(t.getYear() % 100) + hms).getBytes(StandardCharsets.US_ASCII))
                : tlv(0x18, (t.getYear() + hms).getBytes(StandardCharsets.US_ASCII));
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        while (v >>> (7 * groups) != 0) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            out.write((int) ((v >>> (7 * g)) & 0x7f) | (g == 0 ? 0 : 0x80));
        }
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
