package io.aami.server.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of the Prometheus text format in fixed 64 KiB chunks: a 50 MB fleet is appended without the
 * doubling copies of a {@code ByteArrayOutputStream}, kept as it is between scrapes and streamed to each
 * response chunk by chunk. Label values are escaped as client_java's writer does ({@code \\}, {@code \"},
 * {@code \n}), so the lines are byte for byte the ones it wrote.
 */
final class ExpositionBuffer {
    private static final int CHUNK = 64 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] chunk = new byte[CHUNK];
    private int pos;
    private long size;

    ExpositionBuffer put(byte[] b) {
        int off = 0;
        while (off < b.length) {
            if (pos == CHUNK) {
                full.add(chunk);
                chunk = new byte[CHUNK];
                pos = 0;
            }
            int n = Math.min(b.length - off, CHUNK - pos);
            System.arraycopy(b, off, chunk, pos, n);
            pos += n;
            off += n;
        }
        size += b.length;
        return this;
    }

    /** A sample's value as client_java writes it ({@link Double#toString}: {@code 1.0}, {@code 0.25}, {@code 1.7E9}). */
    ExpositionBuffer value(double v) {
        return put(valueBytes(v));
    }

    /** {@link #value}'s bytes. */
    static byte[] valueBytes(double v) {
        if (v == 0) {
            return ZERO;
        }
        if (v == 1) {
            return ONE;
        }
        return ascii(Double.toString(v));
    }

    private static final byte[] ZERO = ascii("0.0");
    private static final byte[] ONE = ascii("1.0");

    long size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void writeTo(OutputStream out) throws IOException {
        for (byte[] b : full) {
            out.write(b);
        }
        out.write(chunk, 0, pos);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code name="value"} with the value escaped, UTF-8. */
    static String label(String name, String value) {
        return name + "=\"" + escape(value) + "\"";
    }

    static String escape(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
