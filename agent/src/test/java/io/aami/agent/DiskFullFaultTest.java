package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.testing.Tmpfs;
import io.aami.server.testing.Api;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 5 (README "Reliability"): the agent's state directory on a small tmpfs that fills up. The agent
 * keeps running, drops the results it cannot write (counted in {@code aami_agent_spool_dropped_records_total} and the
 * heartbeat's {@code spool_dropped}), and stores again as soon as there is room; every result it did spool is stored
 * once. A read-only spool directory at start-up stops the agent with exit code 1 and a message naming it.
 * Needs root (mount); skipped elsewhere unless AAMI_REQUIRE_TOOLS is set.
 */
@Tag("reliability")
class DiskFullFaultTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aFullDiskDropsCountsAndRecoversWithoutLosingWhatWasSpooled() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("state"), 1024); TestServer server = TestServer.start(ChecksEndToEndTest.SERVER)) {
            Api api = server.api();
            Fixtures.createCheck(api, Fixtures.check("page", "head -c 5000 /dev/zero | tr '\\0' x", 1, Map.of("global", true)));
            int apiPort = freePort();
            Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "127.0.0.1:" + server.port(),
                    Fixtures.bootstrapToken(api, 1, Map.of())));
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
            env.put("AAMI_SPOOL_FSYNC", "always");
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(30), "results stored before the disk fills",
                        () -> SpoolResetEndToEndTest.stored(server.database(), id) >= 2);

                // Each result (5 KB of output) needs new pages of the tmpfs: the first one after the fill fails.
                Path filler = fill(disk.dir().resolve("filler"));
                eventually(Duration.ofSeconds(20), "drops counted in the agent's metric",
                        () -> metric(apiPort, "aami_agent_spool_dropped_records_total{stream=\"checks\"}") >= 2);
                eventually(Duration.ofSeconds(20), "and in its heartbeat",
                        () -> api.get("/api/v1/targets/" + id, ADMIN).json().path("spool_dropped").asLong() >= 1);

                Files.delete(filler);
                long freed = System.nanoTime();
                long storedAtRelease = SpoolResetEndToEndTest.stored(server.database(), id);
                eventually(Duration.ofSeconds(20), "results stored again once there is room",
                        () -> SpoolResetEndToEndTest.stored(server.database(), id) >= storedAtRelease + 2);
                Duration recovery = Duration.ofNanos(System.nanoTime() - freed);

                // Every seq the spool handed out and wrote is stored; the holes are exactly the failed writes.
                long appended = (long) metric(apiPort, "aami_agent_spool_appended_total{stream=\"checks\"}");
                eventually(Duration.ofSeconds(20), "everything spooled so far stored",
                        () -> SpoolResetEndToEndTest.stored(server.database(), id) >= appended);
                long dropped = (long) metric(apiPort, "aami_agent_spool_dropped_records_total{stream=\"checks\"}");
                // One statement, so a result arriving between two counts cannot look like a hole.
                long[] counts = SpoolResetEndToEndTest.queryRow(server.database(),
                        "SELECT count(DISTINCT (epoch, seq)), max(seq), count(*) FROM check_results WHERE target_id = '" + id + "'");
                long distinct = counts[0];
                long maxSeq = counts[1];
                long rows = counts[2];
                long holes = maxSeq - distinct;
                assertThat(holes).as("holes in the stored seqs are failed writes, counted").isLessThanOrEqualTo(dropped);
                long lost = Math.max(0, holes - dropped);
                new FaultFigures("5-disk-full", distinct + lost, distinct, rows - distinct, lost, dropped, recovery).report();
            }
        }
    }

    @Test
    void aReadOnlySpoolDirectoryAtStartUpIsAClearError() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("state"), 256)) {
            disk.readOnly(true);
            Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "127.0.0.1:9", "aami_unused.token"));
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            Path log = dir.resolve("agent.log");
            Process child = AgentChild.start(env, log);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the agent stops by itself").isTrue();
            String out = Files.readString(log);
            assertThat(child.exitValue()).as(out).isEqualTo(1);
            assertThat(out).contains("agent failed to start: cannot open the result spool in")
                    .contains(disk.dir().getFileName() + "\\/spool").contains("Read-only file system");
        }
    }

    /** Writes zeros until the disk is full; returns the file to delete to give the room back. */
    private static Path fill(Path filler) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).containsIgnoringCase("space");
        }
        return filler;
    }

    /** One sample of the agent's own /metrics (0 when absent or the API is not up yet). */
    static double metric(int port, String sample) {
        HttpResponse<String> r;
        try {
            r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return r.body().lines().filter(l -> l.startsWith(sample + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1).trim())).findFirst().orElse(0);
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
