package io.aami.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A startup that fails half-way closes everything it had opened, in reverse order: no thread it
 * started (scheduler, policy pool, change feed, pool housekeeping, Jetty) outlives the failure.
 */
class FailedStartupTest {
    /** Fails last of all: every feature is running and the change feed has started when the port is taken. */
    @Test
    void aServerThatCannotBindLeavesNoThreadBehind() throws Exception {
        try (TestServer first = TestServer.start(Map.of())) {
            TestDatabase.Coordinates db = TestDatabase.fresh();
            ServerConfig cfg = ServerConfigLoader.load(null,
                    TestServer.environment(Map.of("AAMI_LISTEN", "127.0.0.1:" + first.port()), db));
            assertLeavesNothingBehind(cfg, "");
        }
    }

    /** Fails in the middle of the feature list (policy), after health and metrics started their background work. */
    @Test
    void aFeatureThatFailsToStartLeavesNoThreadBehind() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        Map<String, String> env = TestServer.environment(Map.of(), db);
        Path pki = Path.of(env.get("AAMI_DATA_DIR"), "pki");
        Files.createDirectories(pki);
        Files.writeString(pki.resolve("policy-key-rotations.json"), "not json");
        ServerConfig cfg = ServerConfigLoader.load(null, env);
        assertLeavesNothingBehind(cfg, "cannot read the policy key rotations");
    }

    private static void assertLeavesNothingBehind(ServerConfig cfg, String why) throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        assertThatThrownBy(() -> ServerMain.start(cfg, Clock.systemUTC())).isInstanceOf(RuntimeException.class).hasMessageContaining(why);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!startedSince(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(startedSince(before)).isEmpty();
    }

    private static List<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName).sorted().toList();
    }
}
