package io.aami.bench;

import io.aami.contract.results.CheckResult;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/**
 * The peer of {@code ingest}: the same rows COPYed straight into {@code check_results} of the same
 * database, by {@code psql \copy} (or pgjdbc's {@code CopyManager}). They go into tomorrow's partition,
 * emptied before and after, so the peer writes the same table with the same indexes into an empty
 * partition and leaves nothing behind for the exactly-once check.
 */
final class CopyPeer {
    static final String COLUMNS = "target_id, epoch, seq, check_id, status, exit_code, output, truncated, timed_out, "
            + "duration_ms, executed_at, received_at";

    /** How the peer ran: {@code how} names the tool. */
    record Copied(String how, long rows, long nanos) {
    }

    private final ExactlyOnce database;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    CopyPeer(ExactlyOnce database, String jdbcUrl, String user, String password) {
        this.database = database;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    static boolean psqlInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/psql")) || Files.isExecutable(Path.of("/usr/local/bin/psql"));
    }

    /** Copies the streams' rows (as the server would store them, received tomorrow) and times only the copy. */
    Copied copy(List<IngestLoad.Stream> streams, boolean usePsql, Path dir) throws IOException, SQLException, InterruptedException {
        Instant received = Instant.now().plus(java.time.Duration.ofDays(1));
        String partition = partition(received);
        Path file = dir.resolve("peer-rows.copy");
        long rows = write(streams, received, file);
        try {
            truncate(partition);
            Copied c = usePsql ? psql(file, rows) : jdbc(file, rows);
            return c;
        } finally {
            truncate(partition);
            Files.deleteIfExists(file);
        }
    }

    private static long write(List<IngestLoad.Stream> streams, Instant received, Path file) throws IOException {
        long rows = 0;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (IngestLoad.Stream s : streams) {
                for (CheckResult r : s.results()) {
                    w.write(s.agent().id() + "\t" + s.epoch() + "\t" + r.seq() + "\t" + r.checkId() + "\t0\t" + r.exitCode() + "\t"
                            + r.output() + "\t" + r.truncated() + "\t" + r.timedOut() + "\t" + r.durationMs() + "\t" + r.executedAt()
                            + "\t" + received + "\n");
                    rows++;
                }
            }
        }
        return rows;
    }

    /** Tomorrow's partition, made as the server's maintainer makes it if it is not there yet. */
    private String partition(Instant at) throws SQLException {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        String name = "check_results_p" + DateTimeFormatter.ofPattern("yyyyMMdd").format(day);
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF check_results FOR VALUES FROM ('" + day
                    + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')");
        }
        return name;
    }

    private void truncate(String partition) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + partition);
        }
    }

    private Copied psql(Path file, long rows) throws IOException, InterruptedException {
        URI u = URI.create(jdbcUrl.substring("jdbc:".length()));
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", u.getHost(), "-p",
                String.valueOf(u.getPort()), "-U", user, "-d", u.getPath().substring(1), "-c",
                "\\copy check_results (" + COLUMNS + ") FROM '" + file + "'").redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        long start = System.nanoTime();
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !said.equals("COPY " + rows)) {
            throw new IOException("psql \\copy failed: " + said);
        }
        return new Copied("psql \\copy", rows, System.nanoTime() - start);
    }

    private Copied jdbc(Path file, long rows) throws IOException, SQLException {
        try (Connection c = database.connect(); Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long start = System.nanoTime();
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY check_results (" + COLUMNS
                    + ") FROM STDIN WITH (FORMAT text)", in);
            long nanos = System.nanoTime() - start;
            if (copied != rows) {
                throw new IOException("CopyManager copied " + copied + " rows of " + rows);
            }
            return new Copied("pgjdbc CopyManager", rows, nanos);
        }
    }
}
