package io.aami.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the fleet costs this JVM: live heap (after a full collection) and resident set, against a
 * baseline taken before the first agent. With {@code --embedded} the server's own per-connection
 * state is in the same JVM and counted too; run against {@code --server} for the simulator alone.
 */
final class MemoryProbe {
    /** Bytes of live heap and of resident memory. */
    record Sample(long heap, long rss) {
    }

    private final Sample baseline;

    private MemoryProbe(Sample baseline) {
        this.baseline = baseline;
    }

    static MemoryProbe baseline() {
        return new MemoryProbe(sample());
    }

    /** Bytes per agent above the baseline, as {@code heap, rss}. */
    Sample perAgent(int agents) {
        Sample now = sample();
        int n = Math.max(1, agents);
        return new Sample((now.heap() - baseline.heap()) / n, (now.rss() - baseline.rss()) / n);
    }

    static Sample sample() {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Sample(heap, rss());
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: resident size unknown
        }
        return 0;
    }
}
