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
 * {@code checkrun} small: a real agent (the jar the reactor built) runs ten checks a second for two
 * seconds under an embedded server; every run in the window succeeded, and the report holds the
 * agent's figure, the peer's and their ratio. Never asserts speed.
 */
class CheckRunSmokeTest {
    private static final Path AGENT_JAR = Path.of("..", "agent", "target", "aami-agent.jar");

    @Test
    @Timeout(120)
    void aRealAgentsCheckRunsAreCountedAndCompared() throws Exception {
        assertThat(AGENT_JAR).as("build it: mvn -pl agent -am package -DskipTests").isRegularFile();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        CheckRunOptions o = CheckRunOptions.parse(List.of("--agent-jar", AGENT_JAR.toString(), "--embedded", "--checks", "10",
                "--warmup", "0s", "--duration", "2s", "--peer-runs", "50", "--flush-interval", "200ms"));

        CheckRunCommand.Outcome r = new CheckRunCommand(o, out).run();
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(r.exitCode()).as(report).isZero();
        assertThat(r.window().runs()).as(report).isGreaterThanOrEqualTo(5);
        assertThat(r.window().succeeded()).as(report).isEqualTo(r.window().runs());
        assertThat(report).containsPattern("aami agent CPU per check run: [0-9.]+ ms")
                .containsPattern("peer sh -c true from a plain Java loop: [0-9.]+ ms per run")
                .containsPattern("ratio aami/peer: [0-9.]+").contains("goal (<= 2.0 ms per check run): ")
                .contains("correctness: OK");
        // The agent module's aami-run, when it was built, starts the runs: the agent says so in its log.
        java.nio.file.Path helper = AGENT_JAR.toAbsolutePath().normalize().resolveSibling("native").resolve("aami-run");
        if (java.nio.file.Files.isExecutable(helper)) {
            assertThat(report).contains("run helper " + helper + ",").contains("check runs start through " + helper);
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        for (List<String> args : List.of(List.of("--checks", "0", "--agent-jar", AGENT_JAR.toString()), List.of("--checks", "3"),
                List.of("--agent-jar", AGENT_JAR.toString(), "--containment", "none"),
                List.of("--agent-jar", AGENT_JAR.toString(), "--duration", "0s"),
                List.of("--agent-jar", AGENT_JAR.toString(), "--java-option", "Xmx1g"),
                List.of("--agent-jar", AGENT_JAR.toString(), "--run-helper", "aami-run"))) {
            String flag = args.stream().filter(a -> a.startsWith("--") && !a.equals("--agent-jar")).findFirst().orElse("--agent-jar");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] argv = java.util.stream.Stream.concat(java.util.stream.Stream.of("checkrun"), args.stream()).toArray(String[]::new);
            int code = BenchMain.run(argv, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(String.join(" ", args)).isEqualTo(BenchMain.EXIT_USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(String.join(" ", args))
                    .contains(args.contains("--checks") && args.size() == 2 ? "--agent-jar" : flag);
        }
    }
}
