package io.aami.server.db;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.RunningServer;
import io.aami.server.ServerMain;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.testing.Api;
import io.aami.server.testing.Eventually;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.time.Instant;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server owns its embedded database's life (issue 16): after {@code kill -9} of the server, the
 * postmaster it leaves running (parent PID 1, data directory locked) is stopped by the next start,
 * which is ready within seconds; after {@code kill -9} of the postmaster, /ready reports the restart
 * and the server recovers without being restarted itself.
 */
class EmbeddedPostgresLifecycleTest {
    private static final String ADMIN = TestServer.ADMIN;

    @Test
    void killedServerThenPostmasterBothRecoverUnaided() throws Exception {
        Path dataDir = Files.createTempDirectory("aami-pg-life");
        int port = freePort();
        Path log = dataDir.resolve("child.log");
        Process child = serverProcess(dataDir, port, log);
        Api api = new Api("http://127.0.0.1:" + port);
        try {
            eventually(Duration.ofMinutes(3), "the child server is ready", () -> ready(api), () -> read(log));
            assertThat(api.post("/api/v1/groups", Map.of("name", "before-kill"), ADMIN).status()).isEqualTo(201);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long leftover = postmasterPid(dataDir).orElseThrow();
        assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).as("the attack's premise: the postmaster outlives kill -9 of the server")
                .contains(true);

        Map<String, String> env = environment(dataDir, 0);
        long started = System.nanoTime();
        try (RunningServer server = ServerMain.start(ServerConfigLoader.load(null, env), Clock.systemUTC())) {
            Api again = new Api("http://127.0.0.1:" + server.port());
            eventually(Duration.ofSeconds(30), "ready again", () -> ready(again));
            // Before: the start failed after 60 s on the locked data directory. The database part takes
            // 2-3 s on an idle machine; the bound is generous for a shared, loaded one (cold JIT, API setup).
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).as("the leftover was stopped").isFalse();
            assertThat(again.get("/api/v1/groups", ADMIN).body()).contains("before-kill");

            postmasterSurvivesItsOwnDeath(dataDir, again);
            resultsAreStoredAsTheAppRole(again);
        }
        assertThat(postmasterPid(dataDir)).as("a clean stop leaves no postmaster").isEmpty();
    }

    /**
     * A {@code postmaster.pid} naming a live process that is not this cluster's postgres (the pid was
     * reused after a crash) is stale: the start succeeds and that process is never signalled.
     */
    @Test
    void aStalePidFileNamingAnotherProcessIsClearedWithoutSignallingIt() throws Exception {
        Path dataDir = Files.createTempDirectory("aami-pg-stale");
        EmbeddedPostgresServer.start(dataDir.resolve("postgres")).close();
        Process bystander = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(dataDir.resolve("postgres/postmaster.pid"), bystander.pid() + "\n" + dataDir.resolve("postgres") + "\n");
            EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
            try {
                assertThat(postmasterPid(dataDir)).contains(pg.postmasterPid());
                assertThat(bystander.isAlive()).isTrue();
            } finally {
                pg.close();
            }
            assertThat(bystander.isAlive()).isTrue();
        } finally {
            bystander.destroyForcibly();
        }
    }

    private static void postmasterSurvivesItsOwnDeath(Path dataDir, Api api) throws Exception {
        long pid = postmasterPid(dataDir).orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        List<String> seen = new ArrayList<>();
        boolean reported = Eventually.within(Duration.ofSeconds(10), () -> {
            Api.Reply r = api.get("/ready", null);
            seen.add(r.status() + " " + r.body());
            return r.status() == 503 && r.json().get("database").asText().equals("restarting");
        });
        assertThat(reported).as("503 with database=restarting while the postmaster is down; saw " + seen.subList(Math.max(0, seen.size() - 3), seen.size()))
                .isTrue();
        eventually(Duration.ofSeconds(60), "ready after the postmaster restart", () -> ready(api));
        assertThat(postmasterPid(dataDir)).isPresent().isNotEqualTo(Optional.of(pid));
        eventually(Duration.ofSeconds(10), "an API write works again",
                () -> api.post("/api/v1/groups", Map.of("name", "after-postmaster-kill-" + System.nanoTime()), ADMIN).status() == 201);
        assertThat(api.post("/api/v1/groups", Map.of("name", "and-again"), ADMIN).status()).isEqualTo(201);
    }

    /** Result ingest uses COPY … FROM STDIN, which the non-superuser role may run on its own tables. */
    private static void resultsAreStoredAsTheAppRole(Api api) {
        Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "h", null);
        String check = Fixtures.createCheck(api, Fixtures.check("c", "true", 10, Map.of("global", true)));
        Map<String, Object> results = Map.of("results", List.of(Map.of("seq", 1, "check_id", check, "status", "ok",
                "output", "", "duration_ms", 1, "executed_at", Instant.now().toString())));
        Api.Reply stored = api.post("/api/v1/agents/" + agent.id() + "/check-results", results, agent.token());
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(stored.json().get("accepted").asInt()).isEqualTo(1);
    }

    private static boolean ready(Api api) {
        Api.Reply r = api.get("/ready", null);
        return r.status() == 200 && r.json().get("database").asText().equals("up");
    }

    private static Process serverProcess(Path dataDir, int port, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        pb.environment().putAll(environment(dataDir, port));
        return pb.start();
    }

    private static Map<String, String> environment(Path dataDir, int port) {
        return Map.of("AAMI_DATA_DIR", dataDir.toString(), "AAMI_LISTEN", "127.0.0.1:" + port, "AAMI_TLS", "off",
                "AAMI_ADMIN_TOKEN", ADMIN);
    }

    private static Optional<Long> postmasterPid(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return Files.readAllLines(pidFile).stream().findFirst().map(String::strip).map(Long::parseLong);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
