package io.aami.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A JDBC driver in front of PostgreSQL's that counts the SQL statements the embedded server executes while answering
 * requests, for {@code console}'s "no query per row" check. The server is given the URL {@code jdbc:aami-count:postgresql:…}
 * ({@link #url}); every connection it opens is PostgreSQL's own, wrapped so that each {@code execute*} of a statement
 * made from it counts once (a batch once), unless it runs on one of the server's named background threads
 * ({@code aami-*}: heartbeat flushes, sweeps, the database probe), which no request waits for. {@code unwrap} and
 * everything else reach the real connection (COPY, LISTEN), and its metadata names the real URL, so Flyway sees
 * PostgreSQL.
 */
final class CountingDriver implements Driver {
    private static final String PREFIX = "jdbc:aami-count:";

    private final Driver postgres;
    private final AtomicLong statements = new AtomicLong();

    private CountingDriver(Driver postgres) {
        this.postgres = postgres;
    }

    /** Registers a new counting driver with {@link DriverManager}; {@link #deregister} when done. */
    static CountingDriver register() throws SQLException {
        CountingDriver d = new CountingDriver(DriverManager.getDriver("jdbc:postgresql://localhost/x"));
        DriverManager.registerDriver(d);
        return d;
    }

    void deregister() {
        try {
            DriverManager.deregisterDriver(this);
        } catch (SQLException e) {
            // it stays registered; it only ever accepts its own prefix
        }
    }

    /** The URL of {@code postgresUrl} through this driver. */
    static String url(String postgresUrl) {
        return PREFIX + postgresUrl.substring("jdbc:".length());
    }

    /** Statements executed so far on request threads. */
    long statements() {
        return statements.get();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Connection real = postgres.connect("jdbc:" + url.substring(PREFIX.length()), info);
        return proxy(Connection.class, real, (method, result) -> {
            if (result instanceof Statement s && (method.getName().startsWith("prepare") || method.getName().equals("createStatement"))) {
                Class<? extends Statement> type = s instanceof CallableStatement ? CallableStatement.class
                        : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                return proxy(type, s, (m, r) -> r);
            }
            return result;
        });
    }

    /** What to return for a call's result (a statement is wrapped too). */
    private interface Wrap {
        Object apply(Method method, Object result);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, Object real, Wrap wrap) {
        InvocationHandler h = (self, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute") && !Thread.currentThread().getName().startsWith("aami-")) {
                statements.incrementAndGet();
            }
            try {
                return wrap.apply(method, method.invoke(real, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(CountingDriver.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return postgres.getPropertyInfo("jdbc:" + url.substring(PREFIX.length()), info);
    }

    @Override
    public int getMajorVersion() {
        return postgres.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return postgres.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return postgres.getParentLogger();
    }
}
