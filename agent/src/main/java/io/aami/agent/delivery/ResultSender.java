package io.aami.agent.delivery;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.retry.Failure;
import io.aami.agent.retry.Retry;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolRecord;
import io.aami.agent.spool.SpoolStats;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.contract.results.ResultAck;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one spooled result stream to the server: in seq order, one batch in flight, a batch when
 * {@code maxBatch} results wait or the oldest has waited {@code flushInterval}. Only what the server
 * acknowledged (after its commit) is removed from the spool; failures back off with jitter ({@link Retry})
 * and the same results are sent again; a refused credential is reported to {@link CredentialRejections}. A batch the server calls malformed is split until the bad result is
 * isolated, which is then dropped and counted, so one bad record never blocks the stream. Each batch
 * carries the spool's stream epoch; an acknowledgement beyond every seq the spool produced starts a new
 * epoch (see {@link ResultSpool#startNewEpoch}) and the batch is sent again in it.
 */
public final class ResultSender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSender.class);
    private static final Duration RECHECK = Duration.ofMillis(250);

    /** Sends a batch of spooled records (their payloads are the encoded results), numbered in {@code epoch}. */
    @FunctionalInterface
    public interface Shipper {
        ResultAck ship(AgentCredentials credentials, String epoch, List<SpoolRecord> records);
    }

    /** Limits of one batch. */
    public record BatchLimits(int maxResults, long maxBytes, Duration flushInterval) {
    }

    private final String stream;
    private final ResultSpool spool;
    private final Shipper shipper;
    private final CredentialHolder credentials;
    private final BatchLimits limits;
    private final StopSignal stop;
    private final Retry retry;
    private final CredentialRejections rejections;
    private final Clock clock;
    private final SenderMetrics metrics;
    /** How long to wait after the last failed delivery (server's Retry-After or jittered backoff). */
    private Duration failurePause = Duration.ZERO;

    public ResultSender(String stream, ResultSpool spool, Shipper shipper, CredentialHolder credentials, BatchLimits limits,
                        StopSignal stop, Retry retry, CredentialRejections rejections, Clock clock, SenderMetrics metrics) {
        this.stream = stream;
        this.spool = spool;
        this.shipper = shipper;
        this.credentials = credentials;
        this.limits = limits;
        this.stop = stop;
        this.retry = retry;
        this.rejections = rejections;
        this.clock = clock;
        this.metrics = metrics;
        metrics.initStream(stream);
    }

    @Override
    public void run() {
        while (!stop.stopped()) {
            Duration pause;
            try {
                pause = step();
            } catch (UncheckedIOException e) {
                // The spool's disk failed (full, read-only, I/O error), e.g. writing the ack position after the
                // server stored a batch: the records stay pending and go again (the server drops what it has).
                // Before, the exception ended this thread and the agent never sent again.
                pause = retry.next();
                LOG.warn("{} spool failed ({}); retrying in {} ms", stream, e.getMessage(), pause.toMillis());
            }
            if (!pause.isZero() && stop.await(pause)) {
                return;
            }
        }
    }

    /** One round: ships a due batch, or says how long to wait. */
    Duration step() {
        SpoolStats stats = spool.stats();
        if (stats.pendingRecords() == 0) {
            spool.awaitRecords(Duration.ofSeconds(1));
            return Duration.ZERO;
        }
        Duration age = Duration.between(stats.oldestPendingAppendedAt(), clock.instant());
        if (stats.pendingRecords() < limits.maxResults() && age.compareTo(limits.flushInterval()) < 0) {
            Duration left = limits.flushInterval().minus(age);
            return left.compareTo(RECHECK) < 0 ? left : RECHECK;
        }
        Optional<AgentCredentials> creds = credentials.current();
        if (creds.isEmpty()) {
            return retry.next();
        }
        return deliver(creds.get(), batch()) ? Duration.ZERO : failurePause;
    }

    /** Sends {@code records}; true when all of them are acknowledged or deliberately dropped. */
    private boolean deliver(AgentCredentials creds, List<SpoolRecord> records) {
        try {
            String epoch = spool.epoch();
            ResultAck ack = shipper.ship(creds, epoch, records);
            long last = records.get(records.size() - 1).seq();
            if (ack.ackedSeq() > last && !producedThrough(ack.ackedSeq())) {
                return renumber(epoch, ack.ackedSeq());
            }
            spool.ack(Math.min(ack.ackedSeq(), last));
            metrics.sent.labelValues(stream).inc(records.size());
            metrics.lastSuccess.labelValues(stream).set(clock.instant().toEpochMilli() / 1000.0);
            if (ack.gap() > 0) {
                LOG.warn("server saw {} missing {} results before seq {}", ack.gap(), stream, records.get(0).seq());
            }
            rejections.accepted(loop());
            retry.reset();
            return true;
        } catch (TransportException e) {
            if (e.status() == 400 || e.status() == 413) {
                return split(creds, records, e);
            }
            metrics.failures.labelValues(stream).inc();
            Failure failure = Failure.of(e);
            failurePause = retry.after(failure, e);
            if (failure == Failure.CREDENTIAL_REJECTED && rejections.rejected(loop(), creds, e)) {
                failurePause = Duration.ZERO;
                return false;
            }
            LOG.warn("sending {} {} results failed ({}); retrying in {} ms", records.size(), stream, e.getMessage(),
                    failurePause.toMillis());
            return false;
        }
    }

    /** This loop's name where credential verdicts are reported. */
    private String loop() {
        return "send-" + stream;
    }

    private boolean producedThrough(long seq) {
        return seq < spool.stats().nextSeq();
    }

    /**
     * The server holds seqs of this epoch up to {@code ackedSeq}, beyond anything this spool handed out:
     * the spool was restored from an older copy, or another client posted in its epoch. Whatever the
     * server called duplicates was never stored; a new epoch makes the same records a new stream.
     * Backs off first, so a server that keeps doing this cannot make the agent spin.
     */
    private boolean renumber(String epoch, long ackedSeq) {
        spool.startNewEpoch("the server acknowledged " + stream + " seq " + ackedSeq + " of epoch " + epoch
                + ", which this spool never produced");
        metrics.failures.labelValues(stream).inc();
        failurePause = retry.next();
        return false;
    }

    private boolean split(AgentCredentials creds, List<SpoolRecord> records, TransportException e) {
        if (records.size() == 1) {
            LOG.error("server refused {} result seq {} ({}); dropping it", stream, records.get(0).seq(), e.getMessage());
            metrics.rejected.labelValues(stream).inc();
            spool.ack(records.get(0).seq());
            return true;
        }
        int half = records.size() / 2;
        return deliver(creds, records.subList(0, half)) && deliver(creds, records.subList(half, records.size()));
    }

    /** The oldest pending records, capped by count and by encoded size (the server's body limit). */
    private List<SpoolRecord> batch() {
        List<SpoolRecord> peeked = spool.peek(limits.maxResults());
        List<SpoolRecord> out = new ArrayList<>(peeked.size());
        long bytes = 0;
        for (SpoolRecord r : peeked) {
            bytes += r.payload().length + 1;
            if (!out.isEmpty() && bytes > limits.maxBytes()) {
                break;
            }
            out.add(r);
        }
        return out;
    }
}
