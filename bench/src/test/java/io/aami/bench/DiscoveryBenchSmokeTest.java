package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code discovery} small: the agent jar's scanner (a child JVM) finds every generated loopback connection under this
 * JVM, and the report holds its CPU and allocation per scan, the peer's ({@code ss -tuanp}) and their ratio. Never
 * asserts speed.
 */
class DiscoveryBenchSmokeTest {
    private static final Path AGENT_JAR = Path.of("..", "agent", "target", "aami-agent.jar");

    @Test
    @Timeout(60)
    void theAgentsScanFindsTheGeneratedConnectionsAndIsComparedWithSs() throws Exception {
        assertThat(AGENT_JAR).as("build it: mvn -pl agent -am package -DskipTests").isRegularFile();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        DiscoveryOptions o = DiscoveryOptions.parse(List.of("--agent-jar", AGENT_JAR.toString(), "--sockets", "201", "--processes", "5",
                "--scans", "3", "--warmup", "1", "--peer-runs", "2"));

        DiscoveryCommand.Outcome r = new DiscoveryCommand(o, out).run();
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(r.exitCode()).as(report).isZero();
        assertThat(r.found()).as(report).isEqualTo(100);
        assertThat(report).containsPattern("aami discovery scan CPU: [0-9.]+ ms per scan, allocation [0-9.]+ MB per scan")
                .containsPattern("peer ss -tuanp: [0-9.]+ ms CPU per run").containsPattern("ratio aami/peer: ")
                .contains("goal (<= 50 ms CPU and <= 5 MB per scan): ").contains("correctness: OK");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        for (List<String> args : List.of(List.of("--sockets", "1", "--agent-jar", AGENT_JAR.toString()), List.of("--scans", "3"),
                List.of("--agent-jar", AGENT_JAR.toString(), "--processes", "-1"), List.of("--agent-jar", AGENT_JAR.toString(), "--bogus", "1"))) {
            String flag = args.stream().filter(a -> a.startsWith("--") && !a.equals("--agent-jar")).findFirst().orElse("--agent-jar");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] argv = java.util.stream.Stream.concat(java.util.stream.Stream.of("discovery"), args.stream()).toArray(String[]::new);
            int code = BenchMain.run(argv, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(BenchMain.EXIT_USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains(flag.equals("--scans") ? "--agent-jar" : flag);
        }
    }
}
