package io.aami.server.db;

import java.sql.DriverManager;
import java.util.Properties;

/**
 * Connections outside the pool, for work whose session matters (the change feed's {@code LISTEN}, the
 * duties' advisory locks): named in {@code pg_stat_activity} by {@code ApplicationName}, with TCP keepalives,
 * a bounded connect and a bounded wait for any answer, so a dead database cannot hang their thread.
 */
public final class DedicatedConnections {
    private DedicatedConnections() {
    }

    public static Properties properties(String user, String password, String applicationName) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "15");
        return props;
    }

    public static Duties.ConnectionFactory factory(String url, String user, String password, String applicationName) {
        Properties props = properties(user, password, applicationName);
        return () -> DriverManager.getConnection(url, props);
    }
}
