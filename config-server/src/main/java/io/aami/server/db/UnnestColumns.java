package io.aami.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Rows turned into one array parameter per column, for {@code INSERT/UPDATE … FROM unnest(?::uuid[],
 * ?::bigint[], …)}: a whole batch in one statement with a fixed number of parameters, however many
 * rows it has (no statement per row, no SQL text that grows with the batch).
 */
public final class UnnestColumns {
    private final String[] types;
    private final Object[][] columns;
    private int rows;

    /** @param types the SQL element type of each column, in parameter order ({@code uuid}, {@code bigint}, …) */
    public UnnestColumns(int capacity, String... types) {
        this.types = types.clone();
        this.columns = new Object[types.length][capacity];
    }

    /** Adds one row: a value (or null) per column, in the order of the types. */
    public UnnestColumns add(Object... values) {
        if (values.length != types.length) {
            throw new IllegalArgumentException("a row has " + types.length + " columns, got " + values.length);
        }
        for (int k = 0; k < values.length; k++) {
            columns[k][rows] = values[k];
        }
        rows++;
        return this;
    }

    /** Binds the columns as arrays to the parameters from {@code firstParameter} on. */
    public void bind(Connection c, PreparedStatement ps, int firstParameter) throws SQLException {
        for (int k = 0; k < types.length; k++) {
            Object[] column = rows == columns[k].length ? columns[k] : java.util.Arrays.copyOf(columns[k], rows);
            ps.setArray(firstParameter + k, c.createArrayOf(types[k], column));
        }
    }
}
