package io.aami.server.reliability;

import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real agent's traffic beside an attack: one result a request every 50 ms on its own HTTP client and credential,
 * in its own stream epoch, a refused or failed one sent again with the same seq (as the agent's sender does). Its
 * answers' latencies go to the phase's list; what it was told is stored is checked against the database afterwards.
 */
final class HonestAgent {
    private static final Pattern ACKED = Pattern.compile("\"acked_seq\"\\s*:\\s*(\\d+)");
    private static final String STORED = "SELECT count(*), count(DISTINCT seq) FROM check_results"
            + " WHERE target_id = ?::uuid AND epoch = ?::uuid AND seq <= ?";

    final AtomicInteger failed = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private final Fixtures.EnrolledAgent agent;
    private final String check;
    private final String epoch = UUID.randomUUID().toString();
    private volatile long acked;

    HonestAgent(int port, Fixtures.EnrolledAgent agent, String check) {
        this.port = port;
        this.agent = agent;
        this.check = check;
    }

    /** Posts until {@code until} (System.nanoTime) on a thread of its own, each answer's milliseconds into {@code millis}. */
    Thread start(long until, List<Long> millis) {
        Thread t = new Thread(() -> {
            while (System.nanoTime() < until && post(millis)) {
                pause(50);
            }
        }, "honest-" + agent.id());
        t.start();
        return t;
    }

    /** One result; whether to go on (not interrupted). */
    boolean post(List<Long> millis) {
        long seq = acked + 1;
        String body = "{\"stream_epoch\":\"" + epoch + "\",\"results\":[{\"seq\":" + seq + ",\"check_id\":\"" + check
                + "\",\"status\":\"ok\",\"output\":\"\",\"duration_ms\":1,\"executed_at\":\"" + Instant.now() + "\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/agents/" + agent.id()
                        + "/check-results")).header("Authorization", "Bearer " + agent.token())
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher m = ACKED.matcher(r.body());
            if (r.statusCode() == 200 && m.find() && Long.parseLong(m.group(1)) >= seq) {
                acked = seq;
            } else {
                failed.incrementAndGet();
            }
        } catch (IOException e) {
            failed.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        millis.add((System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    /** The scenario's figures: results the agents were told are stored against what the database holds. */
    static FaultFigures figures(String scenario, List<HonestAgent> agents, TestDatabase.Coordinates db, Duration recovery)
            throws SQLException {
        long produced = 0;
        long rows = 0;
        long distinct = 0;
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement ps = c.prepareStatement(STORED)) {
            for (HonestAgent a : agents) {
                produced += a.acked;
                ps.setString(1, a.agent.id().toString());
                ps.setString(2, a.epoch);
                ps.setLong(3, a.acked);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows += rs.getLong(1);
                    distinct += rs.getLong(2);
                }
            }
        }
        return new FaultFigures(scenario, produced, distinct, rows - distinct, produced - distinct, 0, recovery);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
