package io.aami.agent.probes;

import io.aami.contract.probes.ProbeReason;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's single selector loop: every probe's sockets, deadlines and DNS answers are handled
 * here, so no probe state needs a lock. One iteration: rearm wakeups, take new attempts and DNS
 * answers, start waiting attempts while slots are free, select until the nearest deadline (or
 * just poll when results wait for their sockets to close), deliver the results finished before
 * that select to {@link Completions}, then expire what is due.
 */
final class ProbeLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);

    private final Selector selector;
    private final Inbox inbox;
    private final int maxInFlight;
    private final TargetResolver resolver;
    private final Completions completions;
    private final ProbeMetrics metrics;
    private final Clock clock;
    private final Prober tcp;
    private final Prober udp;
    private final Prober http;
    private final Prober icmp;
    private final ProbeCrashLog crashLog = new ProbeCrashLog();
    private final ArrayDeque<ProbeAttempt> waiting = new ArrayDeque<>();
    private final DeadlineQueue deadlines = new DeadlineQueue();
    private int inFlight;

    ProbeLoop(Selector selector, Inbox inbox, int maxInFlight, TargetResolver resolver, Completions completions,
              ProbeMetrics metrics, Clock clock, Prober tcp, Prober udp, Prober http, Prober icmp) {
        this.tcp = tcp;
        this.icmp = icmp;
        this.http = http;
        this.udp = udp;
        this.selector = selector;
        this.inbox = inbox;
        this.maxInFlight = maxInFlight;
        this.resolver = resolver;
        this.completions = completions;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            while (!inbox.closed()) {
                iterate();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("probe loop failed; failing every pending probe: {}", e.toString(), e);
        } finally {
            inbox.close();
            abandonAll();
        }
    }

    private void iterate() throws IOException {
        inbox.rearm();
        drainInbox();
        startWaiting();
        metrics.loopState(inFlight, waiting.size());
        boolean resultsWaiting = completions.seal();
        long timeoutMs = resultsWaiting ? -1 : selectTimeoutMillis();
        if (timeoutMs < 0) {
            selector.selectNow(this::onReady);
        } else {
            selector.select(this::onReady, timeoutMs);
        }
        completions.deliverSealed();
        expireDue();
    }

    private void drainInbox() {
        ProbeAttempt attempt;
        while ((attempt = inbox.pollSubmitted()) != null) {
            waiting.add(attempt);
        }
        TargetResolver.Resolution resolution;
        while ((resolution = inbox.pollResolved()) != null) {
            onResolved(resolution);
        }
        Inbox.IcmpDone done;
        while ((done = inbox.pollIcmpDone()) != null) {
            if (!done.attempt().finished) {
                done.attempt().icmp = done.outcome();
                finish(done.attempt(), Outcome.of(done.outcome().reason()));
            }
        }
    }

    private void startWaiting() {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            ProbeAttempt a = waiting.poll();
            inbox.started();
            inFlight++;
            a.begin(System.nanoTime(), clock.instant());
            deadlines.add(a);
            if (!a.probe.needsDns()) {
                probe(a);
            } else if (!resolver.resolve(a)) {
                finish(a, Outcome.of(ProbeReason.DNS_ERROR));
            }
        }
    }

    private void onResolved(TargetResolver.Resolution r) {
        ProbeAttempt a = r.attempt();
        if (a.finished) {
            return; // the deadline passed while resolving; that result is already out
        }
        a.dnsNanos = r.nanos();
        if (r.address() == null) {
            finish(a, Outcome.of(ProbeReason.DNS_ERROR));
            return;
        }
        a.target = r.address();
        probe(a);
    }

    private void probe(ProbeAttempt a) {
        Outcome outcome;
        try {
            outcome = proberFor(a).start(a, selector);
        } catch (RuntimeException e) {
            // No socket could be made (e.g. UnsupportedOperationException for IPv6 on an IPv4-only JVM): a failed
            // probe like any other, not a failed call.
            crashLog.crashed(a, "start", e);
            outcome = Outcome.of(ProbeReason.BIND_ERROR);
        }
        if (outcome != null) {
            finish(a, outcome);
        }
    }

    private void onReady(SelectionKey key) {
        ProbeAttempt a = (ProbeAttempt) key.attachment();
        if (a.finished) {
            return;
        }
        try {
            Outcome outcome = proberFor(a).ready(a);
            if (outcome != null) {
                finish(a, outcome);
            }
        } catch (RuntimeException e) {
            crashed(a, e);
        }
    }

    private void expireDue() {
        long now = System.nanoTime();
        ProbeAttempt a;
        while ((a = deadlines.peek()) != null && a.deadlineNanos - now <= 0) {
            if (a.target == null) {
                a.dnsNanos = now - a.startNanos; // still resolving: the name server did not answer in time
                finish(a, Outcome.of(ProbeReason.DNS_ERROR));
            } else {
                finish(a, proberFor(a).expired(a));
            }
        }
    }

    /** Milliseconds to block in select: 0 = until woken (nothing is timed), -1 = do not block. */
    private long selectTimeoutMillis() {
        ProbeAttempt next = deadlines.peek();
        if (next == null) {
            return 0;
        }
        long nanos = next.deadlineNanos - System.nanoTime();
        return nanos <= 0 ? -1 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void finish(ProbeAttempt a, Outcome outcome) {
        long now = System.nanoTime();
        release(a);
        var result = a.result(outcome, now);
        metrics.probeFinished(a.probe.protocol(), outcome.reason(), now - a.startNanos);
        completions.add(a, result);
        if (LOG.isDebugEnabled()) {
            LOG.debug("probe {} {} {}:{} -> {}:{} {} in {} ms", result.taskId(), result.protocol(), result.sourceIp(),
                    result.sourcePort(), result.targetIp(), result.targetPort(), result.reason(), result.totalMs());
        }
    }

    /** A prober bug must not take the loop down with it: the caller gets the exception, the loop goes on. */
    private void crashed(ProbeAttempt a, RuntimeException e) {
        crashLog.crashed(a, "ready", e);
        release(a);
        a.fail(e);
    }

    private void release(ProbeAttempt a) {
        a.finished = true;
        deadlines.remove(a);
        closeChannel(a);
        inFlight--;
    }

    private Prober proberFor(ProbeAttempt a) {
        return switch (a.probe.protocol()) {
            case TCP -> tcp;
            case UDP -> udp;
            case HTTP, HTTPS -> http;
            case ICMP -> icmp;
        };
    }

    static void closeChannel(ProbeAttempt a) {
        if (a.channel != null) {
            try {
                a.channel.close();
            } catch (IOException e) {
                LOG.debug("closing a probe socket failed: {}", e.toString());
            }
        }
    }

    /** On the way out: results already produced are delivered, everything unfinished fails. */
    private void abandonAll() {
        IllegalStateException closed = new IllegalStateException("probe engine closed");
        deadlines.drain(a -> {
            closeChannel(a);
            a.fail(closed);
        });
        try {
            selector.close(); // deregisters, and so really closes, every probe socket
        } catch (IOException e) {
            LOG.debug("closing the probe selector failed: {}", e.toString());
        }
        completions.seal();
        completions.deliverSealed();
        waiting.forEach(a -> {
            inbox.started();
            a.fail(closed);
        });
        waiting.clear();
        ProbeAttempt a;
        while ((a = inbox.pollSubmitted()) != null) {
            inbox.started();
            a.fail(closed);
        }
        inFlight = 0;
        metrics.loopState(0, 0);
    }
}
