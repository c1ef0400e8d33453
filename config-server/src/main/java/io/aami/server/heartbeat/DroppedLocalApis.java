package io.aami.server.heartbeat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts heartbeats whose {@code local_api} was unusable and dropped, and warns about them at most once per
 * {@link #LOG_EVERY}: any enrolled agent may send one on every heartbeat, and a compromised one must not be
 * able to flood the server's log. The warning names the agent and the field, never the value the agent sent
 * (which could carry anything into the log). Exports {@code aami_heartbeat_local_api_dropped_total}.
 */
final class DroppedLocalApis {
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(DroppedLocalApis.class);

    private final Counter dropped;
    private final Clock clock;
    private final AtomicReference<Instant> nextLog = new AtomicReference<>(Instant.MIN);
    private final AtomicLong unlogged = new AtomicLong();

    DroppedLocalApis(PrometheusRegistry registry, Clock clock) {
        this.dropped = Counter.builder().name("aami_heartbeat_local_api_dropped_total")
                .help("Heartbeats accepted without their local_api, which was not a usable IP address and port").register(registry);
        this.clock = clock;
    }

    void dropped(UUID agentId, String field) {
        dropped.inc();
        unlogged.incrementAndGet();
        Instant now = clock.instant();
        Instant next = nextLog.get();
        if (now.isBefore(next) || !nextLog.compareAndSet(next, now.plus(LOG_EVERY))) {
            return;
        }
        long others = unlogged.getAndSet(0) - 1;
        LOG.warn("agent {} reported an unusable {}; its heartbeat is accepted, its local API is not listed for discovery"
                + " ({} more such heartbeats since the last warning; aami_heartbeat_local_api_dropped_total counts them all)",
                agentId, field, Math.max(0, others));
    }
}
