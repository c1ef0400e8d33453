package io.aami.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent, in its own JVM with the launcher's flags and a 64 MiB heap, under the local API's
 * worst memory attacks: any local user sending many concurrent bodies of {@code {}} elements, each a
 * few bytes on the wire and tens of bytes as Java objects, or of strings as long as allowed, to
 * {@code /check-results} (1 MiB) and {@code /run_tasks} (4 MiB). It must refuse them and stay alive, still answering {@code /metrics} and
 * a valid request. (Before the API bounded concurrent body parsing and element counts, the child died of
 * {@code OutOfMemoryError} within a second.)
 */
class LocalApiMemoryEndToEndTest {
    private static final int ATTACKERS = 24;
    private static final Duration ATTACK = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void concurrentHostileBodiesNeitherKillTheAgentNorSilenceIt() throws Exception {
        int port = freePort();
        Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:1", "no-server-needed");
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + port);
        Path log = dir.resolve("agent.log");
        Process child = startAgent(env, log);
        try (ServerSocket target = new ServerSocket(0)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + port;
            awaitUp(http, base, child, log);

            List<Attack> attacks = List.of(
                    new Attack("/check-results", hostile("{\"results\":[", 1024 * 1024 - 16, "]}")),
                    new Attack("/run_tasks", hostile("[", 4 * 1024 * 1024 - 16, "]")),
                    new Attack("/check-results", longStrings("{\"results\":[", "{\"check_id\":\"x\",\"output\":\"",
                            1024 * 1024 - 64, 1024 * 1024 - 64, "]}")),
                    new Attack("/run_tasks", longStrings("[", "{\"target_ip\":\"127.0.0.1\",\"payload\":\"", 131_000,
                            4 * 1024 * 1024 - 64, "]")));
            Map<String, Integer> statuses = attack(http, base, attacks, child);

            assertThat(child.isAlive()).as("the agent survived; statuses %s; log:\n%s", statuses, tail(log)).isTrue();
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
            // A body refused unread (503) may reset the connection its client is still writing to: "error".
            assertThat(statuses.keySet()).as("every hostile body was refused: %s", statuses).doesNotContain("200", "202")
                    .contains("400").containsAnyOf("503", "error");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("aami_agent_local_api_refused_total");
            HttpResponse<String> probe = post(http, base + "/run_tasks", ("[{\"task_id\":\"after\",\"target_ip\":\"127.0.0.1\","
                    + "\"target_port\":" + target.getLocalPort() + ",\"protocol\":\"tcp\",\"timeout_ms\":2000}]").getBytes(StandardCharsets.UTF_8));
            assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
            assertThat(probe.body()).contains("\"task_id\":\"after\"").contains("\"success\":true");
        } finally {
            child.destroy();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** One hostile request. */
    private record Attack(String path, byte[] body) {
    }

    /** {@code ATTACKERS} threads, spread over {@code attacks}, each posting its body again and again for {@link #ATTACK}. */
    private static Map<String, Integer> attack(HttpClient http, String base, List<Attack> attacks, Process child)
            throws Exception {
        Map<String, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS);
        long end = System.nanoTime() + ATTACK.toNanos();
        AtomicInteger sent = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < ATTACKERS; i++) {
            Attack a = attacks.get(i % attacks.size());
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end && child.isAlive()) {
                    String status;
                    try {
                        status = Integer.toString(post(http, base + a.path(), a.body()).statusCode());
                    } catch (IOException e) {
                        status = "error"; // the connection died with the agent, or was reset
                    } catch (InterruptedException e) {
                        return;
                    }
                    statuses.merge(status, 1, Integer::sum);
                    sent.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : running) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdownNow();
        assertThat(sent.get()).as("the attack ran").isGreaterThanOrEqualTo(ATTACKERS);
        return statuses;
    }

    static HttpResponse<String> post(HttpClient http, String url, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code open}, then {@code {},} repeated to about {@code bytes}, then {@code close}. */
    static byte[] hostile(String open, int bytes, String close) {
        StringBuilder b = new StringBuilder(bytes + 8).append(open).append("{}");
        while (b.length() + 3 + close.length() <= bytes) {
            b.append(",{}");
        }
        return b.append(close).toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code open}, then objects {@code element} + a string of {@code chars} + {@code "}} to about {@code bytes}, then {@code close}. */
    static byte[] longStrings(String open, String element, int chars, int bytes, String close) {
        StringBuilder b = new StringBuilder(bytes + 8).append(open);
        String one = element + "a".repeat(chars - element.length() - 2) + "\"}";
        do {
            b.append(b.length() == open.length() ? "" : ",").append(one);
        } while (b.length() + one.length() + 1 + close.length() <= bytes);
        return b.append(close).toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The real agent's main class with the launcher's own JVM flags (read from it, not copied) and its malloc arenas. */
    private static Process startAgent(Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(launcherFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The {@code default_opts} of install/src/main/dist/aami-agent, which must hold the 64 MiB heap this test is about. */
    static List<String> launcherFlags() throws IOException {
        Path launcher = Path.of(System.getProperty("aami.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("install/src/main/dist/aami-agent");
        String line = Files.readAllLines(launcher).stream().filter(l -> l.startsWith("default_opts=\""))
                .findFirst().orElseThrow(() -> new AssertionError("no default_opts= in " + launcher));
        List<String> flags = List.of(line.substring("default_opts=\"".length(), line.length() - 1).split(" "));
        assertThat(flags).as("the heap the attacks are sized against").contains("-Xmx64m");
        return flags;
    }

    private static void awaitUp(HttpClient http, String base, Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && child.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the agent's local API did not come up; log:\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        String all = Files.readString(log);
        return all.length() <= 4000 ? all : all.substring(all.length() - 4000);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
