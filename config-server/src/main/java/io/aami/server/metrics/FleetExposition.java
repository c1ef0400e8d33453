package io.aami.server.metrics;

import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's series (agents, checks, probes), written straight from the rows into the Prometheus text
 * format ({@link FleetText}, no client_java snapshot per series) and kept for {@code maxAge}: concurrent
 * scrapers and HA pairs within {@code maxAge} share one rendering's bytes. A rendering is made only by a
 * scrape that finds the kept one older than {@code maxAge}, never on a timer, so a fleet nobody scrapes
 * costs nothing and each scrape causes at most one rendering (a scrape arriving during one waits for it
 * and shares it). All sources read in one read-only repeatable-read transaction: one snapshot of the fleet.
 * The data is at most {@code maxAge} old, which {@code aami_fleet_render_timestamp_seconds} states.
 * <ul>
 *   <li>{@code aami_fleet_render_timestamp_seconds}: when the exported fleet state was read</li>
 *   <li>{@code aami_fleet_render_seconds}: how long that rendering took</li>
 *   <li>{@code aami_fleet_renders_total}: renderings made (a counter: at most one per scrape, fewer when scrapes come
 *       within {@code maxAge} of each other; never while nobody scrapes)</li>
 *   <li>{@code aami_db_up}: 1 when that rendering could read PostgreSQL, else 0. A rendering that cannot read it
 *       holds no fleet series at all (rather than the last ones read, which would look current), so {@code /metrics}
 *       still answers with the server's own series and {@code aami_db_up 0} while the database is down</li>
 * </ul>
 * (The first three are registered by {@link ServerMetrics#observe}.)
 */
public final class FleetExposition {
    private static final Logger LOG = LoggerFactory.getLogger(FleetExposition.class);
    private static final String DB_UP = "aami_db_up";
    private static final String DB_UP_HELP = "1 when the latest fleet rendering could read PostgreSQL, else 0";

    private final Database db;
    private final List<FleetSource> sources;
    private final Duration maxAge;
    private final Clock clock;
    private final AtomicLong renders = new AtomicLong();
    private volatile Rendering last = new Rendering(new FleetText(), Instant.EPOCH, 0);

    /** The text, when the state was read, and how long reading and writing it took. */
    record Rendering(FleetText text, Instant at, double seconds) {
    }

    FleetExposition(Database db, List<FleetSource> sources, Duration maxAge, Clock clock) {
        this.db = db;
        this.sources = List.copyOf(sources);
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The kept rendering while it is at most {@code maxAge} old, else one made now. */
    Rendering current() {
        Rendering r = last;
        return fresh(r) ? r : render();
    }

    /** The kept rendering as it is, without making one. */
    Rendering lastRendering() {
        return last;
    }

    /** Renderings made since start. */
    long renders() {
        return renders.get();
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
        FleetText text = read(at);
        renders.incrementAndGet();
        last = new Rendering(text, at, (System.nanoTime() - t0) / 1e9);
        return last;
    }

    /** Every source's series and {@code aami_db_up 1}; only {@code aami_db_up 0} when any of them failed. */
    private FleetText read(Instant now) {
        FleetText text = new FleetText();
        try {
            db.withConnection(c -> {
                c.setAutoCommit(false); // streams the rows (fetch size) and keeps one snapshot for every source
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                try {
                    for (FleetSource s : sources) {
                        s.render(c, now, text);
                    }
                } finally {
                    c.rollback(); // read only: nothing to keep
                }
                return null;
            });
        } catch (DataAccessException e) {
            LOG.warn("fleet metrics not read, exporting aami_db_up 0: {}", e.getMessage());
            FleetText down = new FleetText();
            down.family(DB_UP, DB_UP_HELP).sample(0);
            return down;
        }
        text.family(DB_UP, DB_UP_HELP).sample(1);
        return text;
    }
}
