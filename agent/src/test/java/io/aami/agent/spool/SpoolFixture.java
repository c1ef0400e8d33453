package io.aami.agent.spool;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers: opening spools, payloads that carry their seq, reading the segment files. */
final class SpoolFixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05.678Z"), ZoneOffset.UTC);

    final PrometheusRegistry registry = new PrometheusRegistry();
    final SpoolMetrics metrics = new SpoolMetrics(registry);

    static SpoolOptions options(long maxBytes, long segmentBytes, FsyncPolicy fsync) {
        return new SpoolOptions(maxBytes, segmentBytes, fsync, Duration.ofMillis(50));
    }

    ResultSpool open(Path dir, SpoolOptions options) {
        return ResultSpool.open(dir, options, CLOCK, metrics.forStream("checks"));
    }

    ResultSpool open(Path dir) {
        return open(dir, options(1 << 20, 4096, FsyncPolicy.NEVER));
    }

    /** A payload as the caller would build it: JSON carrying the seq. */
    static byte[] payload(long seq) {
        return ("{\"seq\":" + seq + ",\"status\":\"ok\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** A payload of exactly {@code size} bytes, starting with the seq. */
    static byte[] payload(long seq, int size) {
        byte[] p = new byte[size];
        java.util.Arrays.fill(p, (byte) 'x');
        byte[] s = (seq + ":").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(s, 0, p, 0, Math.min(s.length, size));
        return p;
    }

    static String text(SpoolRecord r) {
        return new String(r.payload(), StandardCharsets.UTF_8);
    }

    static List<Long> seqs(List<SpoolRecord> records) {
        return records.stream().map(SpoolRecord::seq).toList();
    }

    static List<Long> appendN(ResultSpool spool, int n) {
        return java.util.stream.LongStream.range(0, n).map(i -> spool.append(SpoolFixture::payload)).boxed().toList();
    }

    static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A crash, as far as the files go: what is on disk (in the page cache) right now, without close. */
    static Path crashCopy(Path dir, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.copy(p, target.resolve(p.getFileName()));
            }
        }
        return target;
    }

    /** The value of one sample in the registry's text exposition, e.g. {@code aami_agent_spool_bytes{stream="checks"}}. */
    double sample(String nameAndLabels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith(nameAndLabels + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(nameAndLabels.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + nameAndLabels));
    }
}
