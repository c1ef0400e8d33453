package io.aami.server.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * timestamptz in and out of JDBC through {@link OffsetDateTime}, never {@link java.sql.Timestamp}: that
 * one converts through the Julian calendar before 1582-10-15, while PostgreSQL and {@link Instant} are
 * both proleptic Gregorian, so a time a client may send (from the year 1 on) would be stored or read
 * back days off and no longer equal itself.
 */
public final class JdbcTimes {
    private JdbcTimes() {
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A parameter value for a timestamptz. */
    public static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
