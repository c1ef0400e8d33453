package io.aami.server.db;

import io.aami.common.concurrent.DaemonThreads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-replica change notifications over PostgreSQL LISTEN/NOTIFY. A writer calls
 * {@link #publish} inside its transaction, so the notice goes out exactly when the change commits;
 * every replica (this one included) hears it within milliseconds. One dedicated connection listens.
 * After a lost connection every subscriber receives {@link #RESYNC}, because notices sent while
 * nobody listened are gone and caches must be rebuilt from the tables. While the feed cannot listen
 * (the database restarting, its connection refused or cut), subscribers receive {@link #RESYNC} every
 * {@link #RECHECK} as well: without it a change made meanwhile would wake no long poll until the
 * connection is back, and the polls' answers would wait for their deadline. A connection quiet for
 * {@link #PING_AFTER} is asked whether it still answers, so one that died without a word (a dropped
 * route, a failed-over database) is noticed within seconds, not when TCP gives up hours later.
 */
public final class ChangeFeed implements AutoCloseable {
    public static final String CHANNEL = "aami_changes";
    /** Topic delivered to all subscribers after (re)connecting. */
    public static final String RESYNC = "resync";
    /** How the listening connection is named in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "aami-config-server-listen";
    /** How often subscribers re-check from the tables while the feed is down. */
    public static final Duration RECHECK = Duration.ofSeconds(3);
    /** How long the connection may be silent before it must prove it still answers. */
    static final Duration PING_AFTER = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    private final String url;
    private final Properties props;
    private final List<BiConsumer<String, String>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;
    private volatile boolean listening;
    /** When subscribers last got {@link #RESYNC} (System.nanoTime), on the feed's thread only. */
    private long resyncedAt = System.nanoTime();

    public ChangeFeed(String url, String user, String password) {
        this.url = url;
        this.props = DedicatedConnections.properties(user, password, APPLICATION_NAME);
        this.thread = DaemonThreads.thread("aami-change-feed", this::listenLoop);
    }

    /** Receives every notice as (topic, payload). Called on the feed's thread: keep it quick. */
    public void subscribe(BiConsumer<String, String> subscriber) {
        subscribers.add(subscriber);
    }

    public void start() {
        thread.start();
    }

    /** Whether the feed listens now (else subscribers get {@link #RESYNC} every {@link #RECHECK}). */
    public boolean listening() {
        return listening;
    }

    /**
     * Hands {@code topic:payload} to this replica's subscribers now, on the caller's thread, after the
     * caller's transaction committed its {@link #publish}: the notice itself comes back through
     * LISTEN a moment later (subscribers are idempotent), but a promise like "a revoked agent's very
     * next request is refused" must not wait for it on the replica that made the change.
     */
    public void deliverLocally(String topic, String payload) {
        for (BiConsumer<String, String> s : subscribers) {
            s.accept(topic, payload);
        }
    }

    private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', ?)";

    /** Sends {@code topic:payload} when {@code c}'s transaction commits (at once in autocommit). */
    public static void publish(Connection c, String topic, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
            ps.setString(1, topic + ":" + payload);
            ps.execute();
        }
    }

    private static final String NOTIFY_ALL = "SELECT pg_notify('" + CHANNEL + "', ? || p) FROM unnest(?::text[]) AS p";

    /** As {@link #publish} for each of {@code payloads}, in one statement (a change to many objects). */
    public static void publishAll(Connection c, String topic, java.util.Collection<String> payloads) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(NOTIFY_ALL)) {
            ps.setString(1, topic + ":");
            ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
            ps.execute();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        closeQuietly(connection);
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listenLoop() {
        long backoffMs = 200;
        boolean warned = false;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, props)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                // After LISTEN: whatever changed while nobody listened is read from the tables by the subscribers.
                resync();
                listening = true;
                if (warned) {
                    LOG.info("change feed listens again");
                }
                backoffMs = 200;
                warned = false;
                listen(c);
            } catch (SQLException e) {
                listening = false;
                if (running) {
                    if (!warned) {
                        LOG.warn("change feed lost its connection ({}); reconnecting, and re-checking every {} s meanwhile",
                                e.getMessage(), RECHECK.toSeconds());
                        warned = true;
                    }
                    if (System.nanoTime() - resyncedAt >= RECHECK.toNanos()) {
                        resync();
                    }
                    sleep(Math.min(backoffMs, RECHECK.toMillis()));
                    backoffMs = Math.min(backoffMs * 2, Duration.ofSeconds(10).toMillis());
                }
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long heardAt = System.nanoTime();
        while (running) {
            PGNotification[] notices = pg.getNotifications(500);
            if (notices != null && notices.length > 0) {
                heardAt = System.nanoTime();
                for (PGNotification n : notices) {
                    String p = n.getParameter();
                    int colon = p.indexOf(':');
                    dispatch(colon < 0 ? p : p.substring(0, colon), colon < 0 ? "" : p.substring(colon + 1));
                }
            } else if (System.nanoTime() - heardAt >= PING_AFTER.toNanos()) {
                if (!c.isValid(2)) {
                    throw new SQLException("the LISTEN connection does not answer");
                }
                heardAt = System.nanoTime();
            }
        }
    }

    private void resync() {
        resyncedAt = System.nanoTime();
        dispatch(RESYNC, "");
    }

    private void dispatch(String topic, String payload) {
        for (BiConsumer<String, String> s : subscribers) {
            try {
                s.accept(topic, payload);
            } catch (RuntimeException e) {
                LOG.warn("change subscriber failed on {}: {}", topic, e.toString());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
        }
    }
}
