package io.aami.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}): the machine is shared, so each run says how busy it was. */
final class LoadAverage {
    private LoadAverage() {
    }

    /** "0.24 2.42 9.72", or "unknown" where there is no {@code /proc/loadavg}. */
    static String now() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
