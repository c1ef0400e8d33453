package io.aami.server.db;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.RunningServer;
import io.aami.server.ServerMain;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.testing.Api;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault scenario 1 (README "Reliability"): the server's embedded PostgreSQL killed with {@code kill -9} of its
 * postmaster while four agents post result batches and heartbeats and hold policy long polls concurrently, as agents
 * do. Every answer meanwhile is a 200 (a 304 for a poll that waited) or a 503 with {@code Retry-After} (never a 500),
 * every request is answered and none takes longer than {@link #BOUND} (a poll: its wait more); the server restarts
 * PostgreSQL and reconnects by itself; the agents retry the same batch (same epoch and seqs) until it is
 * acknowledged, and the database then holds every result exactly once.
 */
@Tag("reliability-long") // a fresh embedded cluster and its migrations cost more than verify can spare; EmbeddedPostgresLifecycleTest kills the postmaster there
class DatabaseKillFaultTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final int AGENTS = 4;
    private static final int BATCH = 10;
    private static final Duration POLL_WAIT = Duration.ofSeconds(2);

    @Test
    void killedPostmasterUnderLoadGivesOnly503sThenStoresEverythingOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("aami-pg-kill");
        Map<String, String> env = Map.of("AAMI_DATA_DIR", dataDir.toString(), "AAMI_LISTEN", "127.0.0.1:0", "AAMI_TLS", "off",
                "AAMI_ADMIN_TOKEN", TestServer.ADMIN);
        try (RunningServer server = ServerMain.start(ServerConfigLoader.load(null, env), Clock.systemUTC())) {
            Api api = new Api("http://127.0.0.1:" + server.port());
            String check = Fixtures.createCheck(api, Fixtures.check("c", "true", 60, Map.of("global", true)));
            List<Poster> posters = new ArrayList<>();
            List<Poller> pollers = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "h" + i, null);
                posters.add(new Poster(api, agent, check));
                pollers.add(new Poller(api, agent));
            }
            posters.forEach(Poster::start);
            pollers.forEach(Poller::start);
            eventually(Duration.ofSeconds(30), "load before the kill", () -> posters.stream().allMatch(p -> p.acked.get() >= 2 * BATCH));

            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
            long killedAt = System.nanoTime();
            eventually(Duration.ofSeconds(90), "the server stores results again by itself",
                    () -> posters.stream().allMatch(p -> p.lastAckNanos.get() > killedAt));
            Duration recovery = Duration.ofNanos(posters.stream().mapToLong(p -> p.lastAckNanos.get()).min().orElseThrow() - killedAt);
            long ackedAfter = posters.stream().mapToLong(p -> p.acked.get()).sum();
            eventually(Duration.ofSeconds(30), "more load after recovery",
                    () -> posters.stream().mapToLong(p -> p.acked.get()).sum() >= ackedAfter + AGENTS * BATCH);
            for (Poster p : posters) {
                p.finish();
            }
            for (Poller p : pollers) {
                p.finish();
            }

            Set<Integer> statuses = ConcurrentHashMap.newKeySet();
            posters.forEach(p -> statuses.addAll(p.results.statuses));
            assertThat(statuses).as("results: only stored or 'retry later', never a 500").isSubsetOf(200, 503).contains(503);
            Set<Integer> beats = ConcurrentHashMap.newKeySet();
            posters.forEach(p -> beats.addAll(p.beats.statuses));
            assertThat(beats).as("heartbeats: accepted or 'retry later'").isSubsetOf(200, 503).contains(200);
            Set<Integer> polls = ConcurrentHashMap.newKeySet();
            pollers.forEach(p -> polls.addAll(p.polls.statuses));
            assertThat(polls).as("policy polls: a bundle, 'not modified' or 'retry later'").isSubsetOf(200, 304, 503).contains(304);
            List<Traffic> all = new ArrayList<>();
            posters.forEach(p -> all.addAll(List.of(p.results, p.beats)));
            pollers.forEach(p -> all.add(p.polls));
            assertThat(all).allSatisfy(t -> {
                assertThat(t.missingRetryAfter.get()).as(t.kind + ": 503 without Retry-After").isZero();
                assertThat(t.unanswered.get()).as(t.kind + ": requests without an answer").isZero();
                assertThat(Duration.ofNanos(t.slowestNanos.get())).as(t.kind + ": no request hangs").isLessThan(t.bound);
            });
            long slowest = posters.stream().mapToLong(p -> p.results.slowestNanos.get()).max().orElseThrow();

            long produced = 0;
            long rows = 0;
            long distinct = 0;
            try (Connection c = server.database().dataSource().getConnection()) {
                for (Poster p : posters) {
                    produced += p.acked.get();
                    try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT seq) FROM check_results"
                            + " WHERE target_id = '" + p.agent.id() + "' AND epoch = '" + p.epoch + "' AND seq <= " + p.acked.get())) {
                        rs.next();
                        rows += rs.getLong(1);
                        distinct += rs.getLong(2);
                    }
                }
            }
            System.out.println("RELIABILITY scenario=1-postgres-kill statuses=" + statuses + " heartbeats=" + beats + " polls=" + polls
                    + " slowest_ms=" + slowest / 1_000_000);
            new FaultFigures("1-postgres-kill", produced, distinct, rows - distinct, produced - distinct, 0, recovery).report();
        }
    }

    /** The answers one kind of request got: statuses, the slowest, 503s without Retry-After, none at all. */
    private static final class Traffic {
        final String kind;
        final Duration bound;
        final Set<Integer> statuses = ConcurrentHashMap.newKeySet();
        final AtomicLong slowestNanos = new AtomicLong();
        final AtomicLong missingRetryAfter = new AtomicLong();
        final AtomicLong unanswered = new AtomicLong();

        Traffic(String kind, Duration bound) {
            this.kind = kind;
            this.bound = bound;
        }

        /** The answer, or null when there was none (refused, reset, timed out: counted). */
        Api.Reply send(java.util.function.Supplier<Api.Reply> request) {
            long t0 = System.nanoTime();
            try {
                Api.Reply r = request.get();
                statuses.add(r.status());
                if (r.status() == 503 && r.header("Retry-After").isEmpty()) {
                    missingRetryAfter.incrementAndGet();
                }
                return r;
            } catch (RuntimeException e) {
                unanswered.incrementAndGet();
                return null;
            } finally {
                slowestNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
            }
        }
    }

    /** One agent posting batches of consecutive seqs in its own epoch, and a heartbeat after each; a batch not acknowledged is posted again. */
    private static final class Poster extends Thread {
        final Api api;
        final Fixtures.EnrolledAgent agent;
        final String check;
        final String epoch = UUID.randomUUID().toString();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong lastAckNanos = new AtomicLong();
        final Traffic results = new Traffic("check results", BOUND);
        final Traffic beats = new Traffic("heartbeats", BOUND);
        final AtomicBoolean running = new AtomicBoolean(true);

        Poster(Api api, Fixtures.EnrolledAgent agent, String check) {
            super("poster-" + agent.id());
            this.api = api;
            this.agent = agent;
            this.check = check;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running.get()) {
                long first = acked.get() + 1;
                List<Map<String, Object>> batch = new ArrayList<>();
                for (long seq = first; seq < first + BATCH; seq++) {
                    batch.add(Map.of("seq", seq, "check_id", check, "status", "ok", "output", "r" + seq, "duration_ms", 1,
                            "executed_at", Instant.now().toString()));
                }
                Api.Reply r = results.send(() -> api.post("/api/v1/agents/" + agent.id() + "/check-results",
                        Map.of("stream_epoch", epoch, "results", batch), agent.token()));
                beats.send(() -> api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "fault-test"),
                        agent.token()));
                if (r != null && r.status() == 200 && r.json().get("acked_seq").asLong() >= first + BATCH - 1) {
                    acked.set(first + BATCH - 1);
                    lastAckNanos.set(System.nanoTime());
                    continue;
                }
                // An agent waits Retry-After (5 s) with jitter; the test retries sooner, which only adds load.
                pause(100);
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(BOUND.toMillis() + 5_000);
        }
    }

    /** One agent's policy long poll, always open: a 2 s wait with the version it holds, as the agent's loop does. */
    private static final class Poller extends Thread {
        final Api api;
        final Fixtures.EnrolledAgent agent;
        final Traffic polls = new Traffic("policy polls", BOUND.plus(POLL_WAIT));
        final AtomicBoolean running = new AtomicBoolean(true);

        Poller(Api api, Fixtures.EnrolledAgent agent) {
            super("poller-" + agent.id());
            this.api = api;
            this.agent = agent;
            setDaemon(true);
        }

        @Override
        public void run() {
            String etag = null;
            String path = "/api/v1/checks/target/" + agent.id() + "?wait=" + POLL_WAIT.toSeconds() + "s";
            while (running.get()) {
                String held = etag;
                Api.Reply r = polls.send(() -> held == null ? api.get(path, agent.token())
                        : api.send("GET", path, null, agent.token(), "If-None-Match", held));
                if (r != null && r.status() == 200) {
                    etag = r.header("ETag").orElse(null);
                } else if (r == null || r.status() != 304) {
                    pause(100);
                }
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(BOUND.plus(POLL_WAIT).toMillis() + 5_000);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
