package io.aami.server.db;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run on a borrowed connection. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}
