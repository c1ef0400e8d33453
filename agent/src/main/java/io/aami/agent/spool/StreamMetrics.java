package io.aami.agent.spool;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.function.Supplier;

/** One stream's share of {@link SpoolMetrics}; obtain it from {@link SpoolMetrics#forStream}. */
public final class StreamMetrics {
    private final String stream;
    private final CounterDataPoint appended;
    private final CounterDataPoint dropped;
    private final CounterDataPoint corrupt;
    private final CounterDataPoint epochs;
    private final SpoolMetrics owner;

    StreamMetrics(String stream, CounterDataPoint appended, CounterDataPoint dropped, CounterDataPoint corrupt,
                  CounterDataPoint epochs, SpoolMetrics owner) {
        this.stream = stream;
        this.appended = appended;
        this.dropped = dropped;
        this.corrupt = corrupt;
        this.epochs = epochs;
        this.owner = owner;
    }

    public String stream() {
        return stream;
    }

    void appended() {
        appended.inc();
    }

    void dropped(long records) {
        dropped.inc(records);
    }

    void corrupt() {
        corrupt.inc();
    }

    void epochStarted() {
        epochs.inc();
    }

    void bind(Supplier<SpoolStats> stats) {
        owner.bind(stream, stats);
    }

    void unbind(Supplier<SpoolStats> stats) {
        owner.unbind(stream, stats);
    }
}
