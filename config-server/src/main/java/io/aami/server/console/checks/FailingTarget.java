package io.aami.server.console.checks;

import java.util.UUID;

/** A live target whose latest result of a check is not ok: status, the output's first line, age, staleness. */
public record FailingTarget(UUID id, String hostname, String status, String output, long ageSeconds, boolean stale) {
    /** As read. */
    record Row(UUID id, String hostname, String targetStatus, int code, String output, java.time.Instant executedAt,
               java.time.Instant receivedAt) {
    }

    /** At most this much of the output: the page is a list, the target's page has the rest. */
    static final int OUTPUT_CHARS = 200;

    static String firstLine(String output) {
        String line = output == null ? "" : output.strip().lines().findFirst().orElse("");
        return line.length() > OUTPUT_CHARS ? line.substring(0, OUTPUT_CHARS) + "…" : line;
    }
}
