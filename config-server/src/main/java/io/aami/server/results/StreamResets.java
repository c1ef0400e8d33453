package io.aami.server.results;

import io.aami.contract.results.StreamEpochs;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a result stream that started a new epoch: the agent's numbering started over (its spool was
 * deleted, lost, found corrupt or restored from an older copy, or the server acknowledged numbers the
 * agent never produced). Logged at WARN and counted in {@code aami_results_stream_resets_total{stream}},
 * except the first epoch of a stream that had only the default one: an agent upgraded to epochs (INFO).
 */
final class StreamResets {
    private static final Logger LOG = LoggerFactory.getLogger(StreamResets.class);
    static final UUID DEFAULT_EPOCH = UUID.fromString(StreamEpochs.DEFAULT);

    private final ResultMetrics metrics;

    StreamResets(ResultMetrics metrics) {
        this.metrics = metrics;
    }

    void report(UUID target, String stream, UUID epoch, StreamCursors.Replaced old, long firstSeq) {
        if (old.epoch().equals(DEFAULT_EPOCH) && old.others() == 1) {
            LOG.info("agent {} now numbers its {} results in stream epoch {} (it sent none before, up to seq {}); "
                    + "first seq {}", target, stream, epoch, old.highWater(), firstSeq);
            return;
        }
        metrics.streamResets.labelValues(stream).inc();
        LOG.warn("agent {} restarted its {} result stream: epoch {} (first seq {}) replaces epoch {} (stored up to seq {}); "
                + "its results are stored as a new stream. The agent's spool was deleted, lost, corrupt or restored "
                + "from an older copy, or another client posted in its epoch", target, stream, epoch, firstSeq, old.epoch(),
                old.highWater());
    }
}
