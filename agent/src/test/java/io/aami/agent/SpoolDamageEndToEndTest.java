package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 6 through the whole agent (the spool's own test is {@code SpoolDamageFaultTest}): results taken by
 * the real agent's local API while its server is unreachable, the agent stopped, its spool segments damaged on disk
 * (a flipped byte in one result of the first segment, a zero-filled block across two results of the second, the
 * last segment's tail torn), and the agent started again with its server back. Every undamaged result reaches the
 * database exactly once, those after each damage included; exactly the damaged ones are missing, and the agent
 * counts the damaged regions.
 */
@Tag("reliability")
class SpoolDamageEndToEndTest {
    private static final int PRODUCED = 500;

    @TempDir
    Path dir;

    @Test
    void resultsAfterEachDamageAreDeliveredOnceAndTheDamagedOnesCounted() throws Exception {
        try (TestServer server = TestServer.start(ChecksEndToEndTest.SERVER)) {
            Api api = server.api();
            Fixtures.createCheck(api, Fixtures.check("posted", "echo scheduled", 3600, Map.of("global", true)));
            int apiPort = DiskFullFaultTest.freePort();
            Map<String, String> env = new HashMap<>(TestAgentConfig.quick(TestAgentConfig.env(dir, "127.0.0.1:" + server.port(),
                    Fixtures.bootstrapToken(api, 1, Map.of()))));
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
            env.put("AAMI_SPOOL_FSYNC", "always");
            // Small segments (the least output_max_bytes allows), so 500 results fill several.
            env.put("AAMI_CHECKS_OUTPUT_MAX_BYTES", "256");
            env.put("AAMI_SPOOL_SEGMENT_BYTES", "20KiB");

            try (Agent agent = start(env)) {   // enrolls and fetches its policy, then stops
                eventually(Duration.ofSeconds(60), "the agent enrolled with its policy",
                        () -> post(apiPort, List.of("warm-up")) == 202);
                // Stopped only once its policy is on disk (the offline life takes posts for it) and its first result
                // acknowledged, so the offline life starts from the same spool every run.
                eventually(Duration.ofSeconds(60), "the policy stored and the warm-up result delivered",
                        () -> Files.exists(dir.resolve("state/policy.json"))
                                && AgentKillFaultTest.stored(server, "warm-up").size() == 1);
            }
            Map<String, String> offline = new HashMap<>(env);
            offline.put("AAMI_SERVER_ADDRESS", "127.0.0.1:" + DiskFullFaultTest.freePort());
            try (Agent agent = start(offline)) {
                for (int i = 0; i < PRODUCED; i += 5) {
                    List<String> outputs = LocalPosts.outputs("d-", i, 5).stream().map(o -> o + "-").toList();
                    // The local API may not listen yet, and it limits its rate (429): posted again until taken.
                    eventually(Duration.ofSeconds(30), "post of d-" + i + "..", () -> post(apiPort, outputs) == 202);
                }
            }

            List<Path> segments = segments(dir.resolve("state"));
            assertThat(segments).as("the spool's segments").hasSizeGreaterThanOrEqualTo(3);
            Set<String> damaged = new TreeSet<>();
            Path first = segments.get(0);
            Path second = segments.get(1);
            Path last = segments.get(segments.size() - 1);
            damaged.add(flipInside(first, "d-20-"));
            damaged.addAll(zeroAcross(second, outputsIn(second).get(3), outputsIn(second).get(4)));
            damaged.add(tearTail(last));

            for (Path segment : segments) {
                List<String> outputs = outputsIn(segment);
                System.out.printf("segment %s: %d bytes, %d results, %s .. %s%n", segment.getFileName(), Files.size(segment),
                        outputs.size(), outputs.get(0), outputs.get(outputs.size() - 1));
            }
            System.out.println("damaged: " + damaged);
            long restarted = System.nanoTime();
            try (Agent agent = start(env)) {
                eventually(Duration.ofSeconds(60), "every undamaged result stored", () -> {
                    Map<String, Long> stored = AgentKillFaultTest.stored(server, "d-%");
                    return stored.size() >= PRODUCED - damaged.size();
                });
                Duration recovered = Duration.ofNanos(System.nanoTime() - restarted);
                Thread.sleep(1_000); // anything delivered twice would arrive by now
                Map<String, Long> stored = AgentKillFaultTest.stored(server, "d-%");
                Set<String> expected = new TreeSet<>();
                for (int i = 0; i < PRODUCED; i++) {
                    expected.add("d-" + i + "-");
                }
                expected.removeAll(damaged);
                assertThat(stored.keySet()).as("every undamaged result, and none of the damaged").isEqualTo(expected);
                long duplicated = stored.values().stream().mapToLong(n -> n - 1).sum();
                assertThat(duplicated).as("duplicated").isZero();
                double counted = DiskFullFaultTest.metric(apiPort, "aami_agent_spool_corrupt_records_total{stream=\"checks\"}");
                assertThat(counted).as("damaged regions counted").isEqualTo(3.0);
                new FaultFigures("6-corrupt-spool-agent", PRODUCED, stored.size(), duplicated, 0, damaged.size(), recovered)
                        .report();
            }
        }
    }

    private static Agent start(Map<String, String> env) throws Exception {
        AgentConfig cfg = AgentConfigLoader.load(null, env);
        return AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
    }

    /** The check-results spool's segment files, oldest first. */
    private static List<Path> segments(Path state) throws Exception {
        try (Stream<Path> files = Files.walk(state)) {
            return files.filter(p -> p.toString().contains("spool") && p.getFileName().toString().endsWith(".seg"))
                    .filter(p -> !outputsIn(p).isEmpty()).sorted().toList();
        }
    }

    /** The outputs ({@code d-N-}) whose results a segment holds, in file order. */
    private static List<String> outputsIn(Path segment) {
        try {
            String text = new String(Files.readAllBytes(segment), StandardCharsets.ISO_8859_1);
            List<String> out = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("d-[0-9]+-").matcher(text);
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long offsetOf(Path segment, String output) throws Exception {
        String text = new String(Files.readAllBytes(segment), StandardCharsets.ISO_8859_1);
        long at = text.indexOf(output);
        assertThat(at).as(output + " in " + segment).isNotNegative();
        return at;
    }

    /** One byte of {@code output}'s own result changed: that record fails its checksum. */
    private static String flipInside(Path segment, String output) throws Exception {
        long at = offsetOf(segment, output) + 1;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
        return output;
    }

    /** Zeros from inside {@code a}'s output to inside {@code b}'s: both records damaged. */
    private static List<String> zeroAcross(Path segment, String a, String b) throws Exception {
        long from = offsetOf(segment, a) + 1;
        long to = offsetOf(segment, b) + 2;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(from);
            f.write(new byte[(int) (to - from)]);
        }
        return List.of(a, b);
    }

    /** The file cut inside its last result, as a crash mid-write leaves it; returns that result's output. */
    private static String tearTail(Path segment) throws Exception {
        List<String> outputs = outputsIn(segment);
        String lastOne = outputs.get(outputs.size() - 1);
        long cutAt = offsetOf(segment, lastOne) + 2;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(cutAt);
        }
        return lastOne;
    }

    /** {@link LocalPosts#post}, -1 for no answer (the local API not listening yet). */
    private static int post(int port, List<String> outputs) {
        try {
            return LocalPosts.post(port, outputs);
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
