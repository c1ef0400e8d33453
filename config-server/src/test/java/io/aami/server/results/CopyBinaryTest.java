package io.aami.server.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.Copy;
import io.aami.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 (ingest): history rows go to PostgreSQL as binary COPY instead of text. A row must be
 * stored exactly as the same values given as text are: every timestamp to the same microsecond
 * (PostgreSQL rounds a finer fraction of text, so plain truncation would differ), a NUL in text as a
 * space, a null integer as NULL.
 */
class CopyBinaryTest {
    @Test
    void binaryRowsAreStoredExactlyAsTheSameValuesGivenAsText() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE copied (n int, u uuid, t text, code int, flag bool, small int2, big int8, at timestamptz)");
            List<Instant> times = instants();
            CopyBinary rows = new CopyBinary(8, times.size());
            for (int i = 0; i < times.size(); i++) {
                rows.int4(i).uuid(new UUID(i, -i)).text(i == 0 ? "nul\0inside é ✓" : "line " + i).int4(i % 3 == 0 ? null : -i)
                        .bool(i % 2 == 0).int2((short) -i).int8(Long.MIN_VALUE + i).timestamptz(times.get(i)).endRow();
            }
            assertThat(Copy.in(c, "COPY copied FROM STDIN WITH (FORMAT binary)", rows.bytes())).isEqualTo(times.size());

            try (PreparedStatement ps = c.prepareStatement("SELECT u = ?::uuid, t, code, flag, small, big, at = ?::timestamptz, "
                    + "at::text, ?::timestamptz::text FROM copied WHERE n = ?")) {
                for (int i = 0; i < times.size(); i++) {
                    ps.setString(1, new UUID(i, -i).toString());
                    ps.setString(2, times.get(i).toString());
                    ps.setString(3, times.get(i).toString());
                    ps.setInt(4, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getBoolean(1)).isTrue();
                        assertThat(rs.getString(2)).isEqualTo(i == 0 ? "nul inside é ✓" : "line " + i);
                        assertThat(rs.getObject(3)).isEqualTo(i % 3 == 0 ? null : -i);
                        assertThat(rs.getBoolean(4)).isEqualTo(i % 2 == 0);
                        assertThat(rs.getShort(5)).isEqualTo((short) -i);
                        assertThat(rs.getLong(6)).isEqualTo(Long.MIN_VALUE + i);
                        assertThat(rs.getString(8)).as("instant %s", times.get(i)).isEqualTo(rs.getString(9));
                        assertThat(rs.getBoolean(7)).isTrue();
                    }
                }
            }
        }
    }

    /** The ends of the accepted range, fractions PostgreSQL must round (halves too), and random ones. */
    private static List<Instant> instants() {
        List<Instant> out = new ArrayList<>(List.of(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999Z"),
                Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("1999-12-31T23:59:59.999999Z"),
                Instant.parse("2026-12-01T10:00:00.000000500Z"), Instant.parse("2026-12-01T10:00:00.000001500Z"),
                Instant.parse("2026-12-01T10:00:00.123456500Z"), Instant.parse("2026-12-01T10:00:00.999999500Z"),
                Instant.parse("2026-12-01T10:00:00.999999999Z"), Instant.parse("1969-12-31T23:59:59.000000499Z"),
                Instant.parse("2026-12-01T10:00:00.000000001Z")));
        Random random = new Random(14);
        for (int i = 0; i < 400; i++) {
            long second = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond()
                    + (long) (random.nextDouble() * (Instant.parse("9999-12-31T00:00:00Z").getEpochSecond()
                    - Instant.parse("0001-01-01T00:00:00Z").getEpochSecond()));
            int nanos = i % 4 == 0 ? random.nextInt(1000) * 1000 + 500 : random.nextInt(1_000_000_000);
            out.add(Instant.ofEpochSecond(second, nanos));
        }
        return out;
    }
}
