package io.aami.server.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One rendering of the fleet in the Prometheus text format, written straight from the rows: a buffer
 * per gauge family (a family's samples must be contiguous, while one row feeds several families), written
 * out in name order with {@code # HELP} and {@code # TYPE} before each non-empty one, as client_java did.
 * A row's labels are encoded once (sorted by name, escaped) and shared by its families' samples; no
 * object per series.
 */
final class FleetText {
    private final Map<String, Family> families = new TreeMap<>();

    /** One gauge family; {@link #sample} appends {@code name{labels} value}. */
    static final class Family {
        private final byte[] header;
        private final byte[] open;
        private final byte[] bare;
        private final ExpositionBuffer samples = new ExpositionBuffer();
        /** Whole sample lines kept between renderings ({@link CheckBlocks}), written after the samples, not copied. */
        private final List<byte[]> blocks = new ArrayList<>();
        private long blockBytes;

        private Family(String name, String help) {
            String escapedHelp = help.replace("\\", "\\\\").replace("\n", "\\n");
            header = ("# HELP " + name + " " + escapedHelp + "\n# TYPE " + name + " gauge\n").getBytes(StandardCharsets.UTF_8);
            open = ExpositionBuffer.ascii(name + "{");
            bare = ExpositionBuffer.ascii(name + " ");
        }

        /** @param labels {@link FleetText#labels} of the series */
        void sample(byte[] labels, double value) {
            samples.put(open).put(labels).value(value).put(NEWLINE);
        }

        /** Appends {@code block}, sample lines from {@link #line}, by reference: it must not change afterwards. */
        void block(byte[] block) {
            if (block.length > 0) {
                blocks.add(block);
                blockBytes += block.length;
            }
        }

        /** Writes the line {@link #sample(byte[], double)} would append into {@code out} (a block being built). */
        void line(ByteArrayOutputStream out, byte[] labels, double value) {
            out.writeBytes(open);
            out.writeBytes(labels);
            out.writeBytes(ExpositionBuffer.valueBytes(value));
            out.write('\n');
        }

        private long size() {
            return samples.size() + blockBytes;
        }

        /** A series without labels. */
        void sample(double value) {
            samples.put(bare).value(value).put(NEWLINE);
        }
    }

    private static final byte[] NEWLINE = {'\n'};

    Family family(String name, String help) {
        return families.computeIfAbsent(name, n -> new Family(n, help));
    }

    /**
     * The inside of a series' braces and the closing {@code "} "}: {@code names} and {@code values} alternate,
     * names already in sorted order (as client_java sorts them).
     */
    static byte[] labels(String... namesAndValues) {
        StringBuilder b = new StringBuilder(128);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(ExpositionBuffer.label(namesAndValues[i], namesAndValues[i + 1]));
        }
        return b.append("} ").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes that {@link #writeTo} writes. */
    long size() {
        long n = 0;
        for (Family f : families.values()) {
            n += f.size() == 0 ? 0 : f.header.length + f.size();
        }
        return n;
    }

    void writeTo(OutputStream out) throws IOException {
        for (Family f : families.values()) {
            if (f.size() > 0) {
                out.write(f.header);
                f.samples.writeTo(out);
                for (byte[] b : f.blocks) {
                    out.write(b);
                }
            }
        }
    }
}
