package io.aami.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The HikariCP pool and the two ways to use it: a plain connection or a transaction that commits
 * when the work returns and rolls back when it throws. Serialization failures and deadlocks are
 * retried a few times, so callers never see them.
 */
public final class Database implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 4;

    private final HikariDataSource pool;
    private final DatabaseLife life;

    private Database(HikariDataSource pool, DatabaseLife life) {
        this.pool = pool;
        this.life = life;
    }

    public static Database connect(String url, String user, String password, int poolSize) {
        return connect(url, user, password, poolSize, DatabaseLife.EXTERNAL);
    }

    /** {@code life} tells /ready what is known about the database process (the embedded one's supervisor). */
    public static Database connect(String url, String user, String password, int poolSize, DatabaseLife life) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("aami-db");
        hc.setJdbcUrl(url);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        // Fail a request fast (503) rather than queue it for half a minute when PostgreSQL is away.
        hc.setConnectionTimeout(3_000);
        hc.setValidationTimeout(2_000);
        // After a database restart every pooled connection is dead. Hikari tests a connection idle for
        // more than half a second before lending it and evicts one whose query fails with a
        // connection error; the keepalive also finds dead idle ones, so none is lent for ever.
        hc.setKeepaliveTime(30_000);
        // Start even when the database is down; startup waits for it explicitly (Migrations).
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("ApplicationName", "aami-config-server");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        return new Database(new HikariDataSource(hc), life);
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} in autocommit mode. */
    public <T> T withConnection(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Runs {@code work} in one transaction, retrying it on serialization failure or deadlock. Any
     * exception rolls everything back, so a refused request leaves nothing half-stored. (Hikari
     * restores autocommit when the connection goes back to the pool.)
     */
    public <T> T inTransaction(SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (!DataAccessException.isRetryable(e) || attempt >= MAX_ATTEMPTS) {
                    throw new DataAccessException(e);
                }
            }
        }
    }

    /**
     * True when a trivial query answers within {@code timeout}. Tried twice: after a database
     * restart the first pooled connection may be a dead one, which the pool then evicts.
     */
    public boolean ping(Duration timeout) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                s.execute("SELECT 1");
                return true;
            } catch (SQLException e) {
                // fall through to the second attempt
            }
        }
        return false;
    }

    public DatabaseLife life() {
        return life;
    }

    public int maxPoolSize() {
        return pool.getMaximumPoolSize();
    }

    /** Pool gauges for /metrics. */
    public com.zaxxer.hikari.HikariPoolMXBean poolStats() {
        return pool.getHikariPoolMXBean();
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; Hikari evicts it on close, and the original error is what matters.
        }
    }
}
