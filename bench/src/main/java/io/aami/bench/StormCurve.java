package io.aami.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The storm's connection-rate curve: each second from the server listening again, the new TLS connections the fleet
 * made (full handshakes, resumed ones, failed ones) and how many agents had heartbeated again by its end. Sampled by
 * {@link StormRun} once a second from the fleet's {@link Handshakes} counters (in every simulator process).
 */
final class StormCurve {
    /** One second of the curve. */
    record Second(int second, long full, long resumed, long failed, int back) {
    }

    private final long startNanos;
    private final List<Second> seconds = new ArrayList<>();
    private Handshakes.Counts last;

    StormCurve(long startNanos, Handshakes.Counts atStart) {
        this.startNanos = startNanos;
        this.last = atStart;
    }

    /** Whether a second has passed since the last sample at {@code nowNanos}. */
    boolean due(long nowNanos) {
        return nowNanos - startNanos >= (seconds.size() + 1) * 1_000_000_000L;
    }

    void sample(Handshakes.Counts now, int back) {
        Handshakes.Counts d = now.minus(last);
        seconds.add(new Second(seconds.size() + 1, d.full(), d.resumed(), d.failed(), back));
        last = now;
    }

    List<Second> seconds() {
        return List.copyOf(seconds);
    }

    /** The peak of new connections (full + resumed) in one second. */
    long peak() {
        return seconds.stream().mapToLong(s -> s.full() + s.resumed()).max().orElse(0);
    }

    /** One line per second, {@code s N: F full + R resumed (X failed), B back}, for the report. */
    String render(boolean tls) {
        StringBuilder sb = new StringBuilder();
        for (Second s : seconds) {
            sb.append(tls ? String.format(Locale.ROOT, "    %3d s: %5d full + %5d resumed TLS connections (%d failed); %d agents back%n",
                    s.second(), s.full(), s.resumed(), s.failed(), s.back())
                    : String.format(Locale.ROOT, "    %3d s: %d agents back%n", s.second(), s.back()));
        }
        return sb.toString();
    }
}
