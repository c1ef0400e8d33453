package io.aami.agent.probes;

import io.aami.common.concurrent.DaemonThreads;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves host-name targets on a few threads of its own, because the JDK's resolver blocks and a
 * slow name server must never stall the selector loop. Its queue needs no bound of its own: only
 * attempts holding an in-flight slot are resolved, so at most maxInFlight lookups ever wait.
 * A lookup cannot be interrupted; one outliving its probe's deadline finishes in the background
 * and its answer is dropped.
 */
final class TargetResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetResolver.class);

    /** The blocking name lookup; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    interface HostLookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    /** A lookup's answer for the loop: {@code address} null means it failed. */
    record Resolution(ProbeAttempt attempt, InetAddress address, long nanos) {
    }

    private final HostLookup lookup;
    private final Consumer<Resolution> sink;
    private final ThreadPoolExecutor pool;

    TargetResolver(HostLookup lookup, int threads, Consumer<Resolution> sink) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("resolverThreads must be 1..64, got " + threads);
        }
        this.lookup = lookup;
        this.sink = sink;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DaemonThreads.factory("aami-probe-dns"));
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts resolving {@code attempt}'s target; the answer goes to the sink. False when the
     * resolver is shut down.
     */
    boolean resolve(ProbeAttempt attempt) {
        ValidatedProbe probe = attempt.probe;
        try {
            pool.execute(() -> sink.accept(lookup(probe, attempt)));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private Resolution lookup(ValidatedProbe probe, ProbeAttempt attempt) {
        long start = System.nanoTime();
        InetAddress chosen = null;
        try {
            chosen = choose(lookup.lookup(probe.target()), probe.sourceIp());
            if (chosen == null) {
                LOG.debug("probe target {} has no address of the source's family", probe.target());
            }
        } catch (UnknownHostException | RuntimeException e) {
            LOG.debug("probe target {} did not resolve: {}", probe.target(), e.toString());
        }
        return new Resolution(attempt, chosen, System.nanoTime() - start);
    }

    /** The first address, or with a source address the first of its family (a socket has one family). */
    static InetAddress choose(InetAddress[] addresses, InetAddress source) {
        for (InetAddress a : addresses) {
            if (source == null || ValidatedProbe.isV4(a) == ValidatedProbe.isV4(source)) {
                return a;
            }
        }
        return null;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
