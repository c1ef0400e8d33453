package io.aami.agent.probes;

import io.aami.agent.probes.icmp.IcmpPinger;
import io.aami.common.concurrent.DaemonThreads;
import io.aami.contract.probes.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.Selector;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs TCP, UDP, HTTP, HTTPS and ICMP probes: the one engine behind the local API and scheduled probes.
 *
 * <p><b>Threads.</b> One selector loop thread ({@code aami-probe-loop}) drives every probe:
 * non-blocking sockets, a deadline heap checked each iteration for timeouts, at most
 * {@code maxInFlight} probes at once; the excess waits in a FIFO queue, never on a thread of its
 * own. ICMP echoes run on one more thread, {@code aami-icmp-loop} ({@link IcmpPinger}), whose outcomes come back
 * through the inbox. Host names are resolved on a few {@code aami-probe-dns-*} threads so a slow name server
 * never stalls the loop. Futures are completed on one {@code aami-probe-complete} thread, in one
 * batch per loop iteration: caller code chained to a future can therefore never block the loop or
 * skew its timing, and the hand-off costs one task per batch rather than per probe. Dependents
 * that block still delay other callers' completions: chain heavy work with the *Async variants.
 * A caller that just waits ({@link #runAll}, the local API) needs no such hand-off: the loop stores
 * its results and wakes it once per call ({@link ProbeBatch}).
 * A result is delivered only once its socket is really closed (see {@link Completions}).
 *
 * <p><b>Results.</b> A failed probe completes normally with {@code success=false} and a reason.
 * A future fails only when the engine is closed before its probe ran or finished.
 * Cancelling a future does not stop its probe.
 */
public final class ProbeEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeEngine.class);
    public static final int DEFAULT_RESOLVER_THREADS = 4;
    public static final int MAX_IN_FLIGHT_LIMIT = 65_536;
    /**
     * Probes that may wait for a slot at once: two full local API calls. A {@link #runAll} call that would queue
     * past it is refused whole ({@link ProbeQueueFullException}), so callers cannot grow the queue without bound
     * and starve scheduled probes; scheduled probes ({@link #submit}) count but are never refused.
     */
    public static final int DEFAULT_MAX_QUEUED = 20_000;

    private final int maxInFlight;
    private final int maxQueued;
    private final Inbox inbox;
    private final TargetResolver resolver;
    private final ExecutorService completer;
    private final Thread loopThread;
    private final IcmpPinger pinger;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** An engine using the system resolver; {@code metrics} receives the aami_agent_probe*_* series. */
    public ProbeEngine(int maxInFlight, Clock clock, ProbeMetrics metrics) {
        this(maxInFlight, DEFAULT_RESOLVER_THREADS, clock, metrics, InetAddress::getAllByName);
    }

    ProbeEngine(int maxInFlight, int resolverThreads, Clock clock, ProbeMetrics metrics, TargetResolver.HostLookup lookup) {
        this(maxInFlight, DEFAULT_MAX_QUEUED, resolverThreads, clock, metrics, lookup, new TcpProber(), new UdpProber());
    }

    /** Tests: a small queue bound, and probers that fail on purpose. */
    ProbeEngine(int maxInFlight, int maxQueued, int resolverThreads, Clock clock, ProbeMetrics metrics,
                TargetResolver.HostLookup lookup, Prober tcp, Prober udp) {
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
            throw new IllegalArgumentException("maxInFlight must be 1.." + MAX_IN_FLIGHT_LIMIT + ", got " + maxInFlight);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        Selector selector;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("probe engine cannot open a selector: " + e.getMessage(), e);
        }
        this.inbox = new Inbox(selector);
        this.resolver = new TargetResolver(lookup, resolverThreads, inbox::resolved);
        this.completer = Executors.newSingleThreadExecutor(r -> DaemonThreads.thread("aami-probe-complete", r));
        this.pinger = IcmpPinger.open(IcmpPinger.Mode.AUTO);
        ProbeLoop loop = new ProbeLoop(selector, inbox, maxInFlight, resolver, new Completions(completer), metrics, clock, tcp, udp,
                new HttpProber(new TcpProber(), new TlsContexts(), Clock.systemUTC()), new IcmpProber(pinger, inbox));
        this.loopThread = DaemonThreads.thread("aami-probe-loop", loop);
        loopThread.start();
        LOG.info("probe engine started: max {} probes in flight", maxInFlight);
    }

    /**
     * Queues {@code probe}; the future completes with its result (also for a failed probe) once
     * it has run. After {@link #close()} the future fails with IllegalStateException.
     */
    public CompletableFuture<ProbeResult> submit(ValidatedProbe probe) {
        Objects.requireNonNull(probe, "probe");
        CompletableFuture<ProbeResult> future = new CompletableFuture<>();
        if (inbox.closed()) {
            future.completeExceptionally(new IllegalStateException("probe engine closed"));
            return future;
        }
        inbox.submit(new ProbeAttempt(probe, ResultSink.of(future), 0));
        if (inbox.closed()) {
            failLeftovers(); // closed meanwhile: the loop may have drained the inbox for the last time already
        }
        return future;
    }

    /**
     * Runs {@code probes} at once and waits for all their results, in the order given, for a caller that
     * would block on them anyway (the local API). Cheaper than a {@link #submit} per probe: the loop stores
     * each result itself and wakes the caller once, when the last is in (see {@link ProbeBatch}); results are
     * still handed over only once their sockets are closed.
     *
     * @throws IllegalStateException when the engine is closed before every probe finished
     * @throws ProbeQueueFullException when the probes do not fit in the queue; none of them was queued
     */
    public List<ProbeResult> runAll(List<ValidatedProbe> probes) throws InterruptedException {
        ProbeBatch batch = new ProbeBatch(probes.size());
        if (inbox.closed()) {
            throw new IllegalStateException("probe engine closed");
        }
        if (!inbox.reserve(probes.size(), maxQueued)) {
            throw new ProbeQueueFullException(inbox.queued() + " probes are already waiting to run (at most " + maxQueued
                    + "); try again later");
        }
        for (int i = 0; i < probes.size(); i++) {
            inbox.submitReserved(new ProbeAttempt(Objects.requireNonNull(probes.get(i), "probe"), batch, i));
        }
        if (inbox.closed()) {
            failLeftovers();
        }
        return batch.await();
    }

    /** Probes queued and not yet started. */
    int queued() {
        return inbox.queued();
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Stops the loop; unfinished probes fail with IllegalStateException. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        inbox.close();
        try {
            loopThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failLeftovers();
        pinger.close();
        resolver.close();
        completer.shutdown();
        try {
            if (!completer.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("probe completion thread still busy in caller callbacks after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("probe engine stopped");
    }

    private void failLeftovers() {
        ProbeAttempt a;
        while ((a = inbox.pollSubmitted()) != null) {
            inbox.started();
            a.fail(new IllegalStateException("probe engine closed"));
        }
    }
}
