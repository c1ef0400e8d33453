package io.aami.server.db;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** PostgreSQL COPY FROM STDIN on a (pooled) connection: the bulk write path for result history. */
public final class Copy {
    private Copy() {
    }

    /** Runs {@code copySql} ({@code COPY t (...) FROM STDIN WITH (FORMAT text)}) with {@code rows}; returns rows written. */
    public static long in(Connection c, String copySql, String rows) throws SQLException {
        try {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new StringReader(rows));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code copySql} ({@code COPY t (...) FROM STDIN WITH (FORMAT binary)}) with {@code data}, header to trailer. */
    public static long in(Connection c, String copySql, byte[] data) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            copy.writeToCopy(data, 0, data.length);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
