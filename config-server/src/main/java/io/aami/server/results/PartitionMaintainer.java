package io.aami.server.results;

import io.aami.server.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.aami.server.db.Duties;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the history tables' daily partitions (UTC days of arrival, {@code <table>_pYYYYMMDD}):
 * creates them ahead of time and drops whole partitions older than the retention, never DELETE.
 * One replica maintains them at a time (the duty {@code partition_maintenance}, {@link Duties}); every replica
 * runs it once at start, so its own writes find today's partition, under a transaction advisory lock that
 * keeps those runs from overlapping; all statements are idempotent anyway.
 */
public final class PartitionMaintainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintainer.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final long LOCK_KEY = 0x6161_6d69_7061_7274L;

    private final Database db;
    private final List<String> tables;
    private final Duration retention;
    private final int daysAhead;
    private final Clock clock;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> task;

    public PartitionMaintainer(Database db, List<String> tables, Duration retention, int daysAhead, Clock clock) {
        this.db = db;
        this.tables = List.copyOf(tables);
        this.retention = retention;
        this.daysAhead = daysAhead;
        this.clock = clock;
    }

    public void start(Duties duties, Duration every) {
        maintain();
        task = duties.schedule("partition_maintenance", every, every, this::maintainQuietly);
    }

    /** Creates today's and the next days' partitions and drops expired ones; returns the names dropped. */
    public List<String> maintain() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate oldestKept = LocalDate.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
        List<String> created = new ArrayList<>();
        List<String> dropped = db.inTransaction(c -> {
            List<String> gone = new ArrayList<>();
            if (!tryLock(c)) {
                return gone;
            }
            for (String table : tables) {
                for (int d = -1; d <= daysAhead; d++) {
                    created.add(create(c, table, today.plusDays(d)));
                }
                for (String partition : partitions(c, table)) {
                    LocalDate day = LocalDate.parse(partition.substring(partition.length() - 8), SUFFIX);
                    if (!day.plusDays(1).isAfter(oldestKept)) {
                        try (Statement s = c.createStatement()) {
                            s.execute("DROP TABLE IF EXISTS " + partition);
                        }
                        gone.add(partition);
                    }
                }
            }
            return gone;
        });
        known.addAll(created);
        dropped.forEach(p -> {
            known.remove(p);
            LOG.info("dropped history partition {} (older than {} days)", p, retention.toDays());
        });
        return dropped;
    }

    /** Makes sure rows arriving now have a partition (cheap when it is known to exist). */
    public void ensure(String table, java.time.Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        if (!known.contains(name(table, day))) {
            known.add(db.withConnection(c -> create(c, table, day)));
        }
    }

    /**
     * The name of the partition holding rows of {@code table} that arrive at {@code at}: a writer whose
     * rows all arrive at one instant (after {@link #ensure}) writes it directly, which spares PostgreSQL
     * routing every row through the parent.
     */
    public static String partitionOf(String table, java.time.Instant at) {
        return name(table, LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private String create(Connection c, String table, LocalDate day) throws SQLException {
        String name = name(table, day);
        if (!known.contains(name)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF " + table + " FOR VALUES FROM ('"
                        + day + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')");
            }
        }
        return name;
    }

    private static final String PARTITIONS = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ? AND c.relname ~ '_p[0-9]{8}$' ORDER BY 1";

    /** The partitions of {@code table} that follow our naming. */
    public List<String> partitions(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PARTITIONS)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String name(String table, LocalDate day) {
        return table + "_p" + SUFFIX.format(day);
    }

    private void maintainQuietly() {
        try {
            maintain();
        } catch (RuntimeException e) {
            LOG.warn("partition maintenance failed: {}", e.getMessage());
        }
    }
}
