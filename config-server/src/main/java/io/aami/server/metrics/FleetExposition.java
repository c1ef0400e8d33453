package io.aami.server.metrics;

import io.aami.server.db.DataAccessException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's series (agents, checks, probes), rendered by client_java into the Prometheus text
 * format and kept for {@code maxAge}. At a hundred thousand checks one rendering costs seconds of
 * CPU (a snapshot object per series, then the writer), so scrapes share it: concurrent scrapers and
 * HA pairs get the same bytes, and while someone scrapes it is refreshed in the background, so a
 * scrape only copies bytes. The data is at most {@code maxAge} old (plus one rendering), which
 * {@code aami_fleet_render_timestamp_seconds} states.
 * <ul>
 *   <li>{@code aami_fleet_render_timestamp_seconds}: when the exported fleet state was read</li>
 *   <li>{@code aami_fleet_render_seconds}: how long that rendering took</li>
 *   <li>{@code aami_db_up}: 1 when that rendering could read PostgreSQL, else 0. A rendering that cannot read it
 *       holds no fleet series at all (rather than the last ones read, which would look current), so {@code /metrics}
 *       still answers with the server's own series and {@code aami_db_up 0} while the database is down</li>
 * </ul>
 */
public final class FleetExposition implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetExposition.class);

    private final List<MultiCollector> collectors;
    private final Duration maxAge;
    private final Clock clock;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private volatile Rendering last = new Rendering(new byte[0], Instant.EPOCH, 0);
    private volatile Instant lastScrape = Instant.EPOCH;
    private ScheduledFuture<?> refresher;

    /** Bytes of the text format, when the state was read, and how long it took. */
    record Rendering(byte[] text, Instant at, double seconds) {
    }

    public FleetExposition(List<MultiCollector> collectors, Duration maxAge, Clock clock) {
        this.collectors = List.copyOf(collectors);
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Refreshes every {@code maxAge} while someone scraped within the last few intervals. */
    public void start(ScheduledExecutorService scheduler) {
        if (maxAge.isZero()) {
            return;
        }
        refresher = scheduler.scheduleWithFixedDelay(() -> {
            if (Duration.between(lastScrape, clock.instant()).compareTo(maxAge.multipliedBy(4)) < 0) {
                try {
                    render();
                } catch (RuntimeException e) {
                    LOG.warn("fleet metrics refresh failed: {}", e.getMessage());
                }
            }
        }, maxAge.toMillis(), maxAge.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The current rendering, made now if the cached one is too old. */
    public Rendering current() {
        lastScrape = clock.instant();
        Rendering r = last;
        return fresh(r) ? r : render();
    }

    /** The cached rendering as it is, without refreshing it. */
    Rendering lastRendering() {
        return last;
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.cancel(false);
        }
    }

    private boolean fresh(Rendering r) {
        return !maxAge.isZero() && Duration.between(r.at(), clock.instant()).compareTo(maxAge) <= 0;
    }

    /** One rendering at a time: a scrape arriving during one waits for it and shares the result. */
    private synchronized Rendering render() {
        if (fresh(last)) {
            return last;
        }
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        List<MetricSnapshot> snapshots = collect();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            writer.write(out, new MetricSnapshots(snapshots));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        last = new Rendering(out.toByteArray(), at, (System.nanoTime() - t0) / 1e9);
        return last;
    }

    /** Every collector's series and {@code aami_db_up 1}; only {@code aami_db_up 0} when any of them failed. */
    private List<MetricSnapshot> collect() {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        boolean up = true;
        try {
            collectors.forEach(c -> c.collect().forEach(snapshots::add));
        } catch (DataAccessException e) {
            LOG.warn("fleet metrics not read, exporting aami_db_up 0: {}", e.getMessage());
            snapshots.clear();
            up = false;
        }
        snapshots.add(FleetCollector.gauge("aami_db_up", "1 when the latest fleet rendering could read PostgreSQL, else 0",
                List.of(FleetCollector.point(up ? 1 : 0, Labels.EMPTY))));
        return snapshots;
    }
}
