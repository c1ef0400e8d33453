package io.aami.server.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** An unchecked wrapper for {@link SQLException} that knows whether the database is simply unreachable. */
public final class DataAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }

    /**
     * True when the database could not be reached or refused service (connection class 08,
     * shutdown/cannot-connect-now 57P0x, too many connections 53300, or a pool timeout): the
     * caller should retry later, so the HTTP answer is 503, never a 5xx that looks like a bug.
     */
    public boolean unavailable() {
        return isUnavailable((SQLException) getCause());
    }

    /** A serialization failure or deadlock: {@link Database#inTransaction} runs the work again. */
    public boolean retryable() {
        return isRetryable((SQLException) getCause());
    }

    public boolean uniqueViolation() {
        return "23505".equals(sqlState());
    }

    public boolean foreignKeyViolation() {
        return "23503".equals(sqlState());
    }

    static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
    }

    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
