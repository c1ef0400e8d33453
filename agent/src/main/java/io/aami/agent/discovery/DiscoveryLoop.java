package io.aami.agent.discovery;

import io.aami.agent.util.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans at start and then every {@code discovery.interval}, publishing each scan's view to the metrics. A scan
 * that fails (an unexpected error, never a process it may not read) is counted and logged once in a row; the
 * previous view stays until a scan succeeds.
 */
final class DiscoveryLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryLoop.class);

    private final SocketScanner scanner;
    private final Derivation derivation;
    private final DiscoveryMetrics metrics;
    private final Duration interval;
    private final StopSignal stop;
    private final Clock clock;
    private final Consumer<DiscoveryView> listener;
    private boolean failing;

    DiscoveryLoop(SocketScanner scanner, Derivation derivation, DiscoveryMetrics metrics, Duration interval, StopSignal stop,
                  Clock clock) {
        this(scanner, derivation, metrics, interval, stop, clock, view -> { });
    }

    /** {@code listener} is given each successful scan's view on this loop's thread, after the metrics (a failure in it is the scan's). */
    DiscoveryLoop(SocketScanner scanner, Derivation derivation, DiscoveryMetrics metrics, Duration interval, StopSignal stop,
                  Clock clock, Consumer<DiscoveryView> listener) {
        this.listener = listener;
        this.scanner = scanner;
        this.derivation = derivation;
        this.metrics = metrics;
        this.interval = interval;
        this.stop = stop;
        this.clock = clock;
    }

    @Override
    public void run() {
        do {
            scanOnce();
        } while (!stop.await(interval));
    }

    void scanOnce() {
        long start = System.nanoTime();
        try {
            DiscoveryView view = derivation.derive(scanner.scan());
            metrics.publish(view);
            listener.accept(view);
            metrics.duration.set((System.nanoTime() - start) / 1e9);
            metrics.lastScan.set(clock.millis() / 1000.0);
            metrics.scans.labelValues("ok").inc();
            metrics.uncached.set(scanner.processesUncached());
            if (failing) {
                LOG.info("host discovery scans again");
            }
            failing = false;
        } catch (RuntimeException e) {
            metrics.scans.labelValues("error").inc();
            if (!failing) {
                LOG.warn("host discovery scan failed: {}", e.toString());
            }
            failing = true;
        }
    }
}
