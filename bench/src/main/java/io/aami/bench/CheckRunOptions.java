package io.aami.bench;

import io.aami.bench.BenchMain.UsageException;
import io.aami.common.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code checkrun}, each refusal naming the option. The server is always embedded
 * ({@code --embedded} is accepted for symmetry with {@code fleet}); {@code javaOptions} go to the agent's JVM.
 * {@code runHelper} is the agent's {@code checks.run_helper}: by default the {@code aami-run} the agent
 * module built beside the jar ({@code target/native/aami-run}), {@code off} where there is none.
 */
record CheckRunOptions(Path agentJar, int checks, Duration warmup, Duration duration, String containment, int peerRuns,
                       List<String> javaOptions, Duration flushInterval, String runHelper) {
    /** The agent's own {@code checks.flush_interval}: results are delivered in batches this often. */
    static final Duration AGENT_FLUSH_INTERVAL = Duration.ofSeconds(5);
    static final int MAX_CHECKS = 1000;
    static final String USAGE = """
            usage: aami-bench checkrun --agent-jar agent/target/aami-agent.jar [--embedded] [--checks 20]
                     [--warmup 5s] [--duration 30s] [--containment auto|cgroup|rlimit] [--peer-runs 500]
                     [--java-option -Dname=value]... [--flush-interval 5s] [--run-helper PATH|off]""";

    static CheckRunOptions parse(List<String> args) throws UsageException {
        Path jar = null;
        int checks = 20;
        Duration warmup = Duration.ofSeconds(5);
        Duration duration = Duration.ofSeconds(30);
        String containment = "auto";
        int peerRuns = 500;
        List<String> javaOptions = new ArrayList<>();
        Duration flush = AGENT_FLUSH_INTERVAL;
        String runHelper = null;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (opt.equals("--embedded")) {
                continue;
            }
            String v = value(args, ++i, opt);
            switch (opt) {
                case "--agent-jar" -> jar = Path.of(v);
                case "--checks" -> checks = count(opt, v, MAX_CHECKS);
                case "--warmup" -> warmup = duration(opt, v, false);
                case "--duration" -> duration = duration(opt, v, true);
                case "--containment" -> containment = oneOf(opt, v, Set.of("auto", "cgroup", "rlimit"));
                case "--peer-runs" -> peerRuns = count(opt, v, 1_000_000);
                case "--java-option" -> javaOptions.add(javaOption(opt, v));
                case "--flush-interval" -> flush = duration(opt, v, true);
                case "--run-helper" -> runHelper = runHelper(opt, v);
                default -> throw new UsageException("unknown option '" + opt + "'");
            }
        }
        if (jar == null) {
            throw new UsageException("--agent-jar is required (build it: mvn -pl agent -am package -DskipTests)");
        }
        if (!Files.isRegularFile(jar)) {
            throw new UsageException("--agent-jar " + jar + " is not a file");
        }
        if (runHelper == null) {
            Path beside = jar.toAbsolutePath().normalize().resolveSibling("native").resolve("aami-run");
            runHelper = Files.isExecutable(beside) ? beside.toString() : "off";
        }
        return new CheckRunOptions(jar, checks, warmup, duration, containment, peerRuns, List.copyOf(javaOptions), flush,
                runHelper);
    }

    private static String runHelper(String opt, String v) throws UsageException {
        if (!v.equals("off") && !(v.startsWith("/") && Files.isExecutable(Path.of(v)))) {
            throw new UsageException(opt + " must be off or the absolute path of an executable aami-run, got '" + v + "'");
        }
        return v;
    }

    private static String value(List<String> args, int i, String opt) throws UsageException {
        if (!opt.startsWith("--")) {
            throw new UsageException("unexpected argument '" + opt + "'");
        }
        if (i >= args.size()) {
            throw new UsageException(opt + " needs a value");
        }
        return args.get(i);
    }

    private static int count(String opt, String v, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UsageException(opt + " must be a whole number from 1 to " + max + ", got '" + v + "'");
    }

    private static Duration duration(String opt, String v, boolean positive) throws UsageException {
        try {
            Duration d = Durations.parse(v);
            if (!d.isNegative() && (!positive || !d.isZero()) && d.compareTo(Duration.ofHours(1)) <= 0) {
                return d;
            }
        } catch (RuntimeException e) {
            // refused below
        }
        throw new UsageException(opt + " must be a duration such as 30s, " + (positive ? "above 0" : "0 or more")
                + " and at most 1h, got '" + v + "'");
    }

    private static String oneOf(String opt, String v, Set<String> allowed) throws UsageException {
        if (!allowed.contains(v)) {
            throw new UsageException(opt + " must be one of auto, cgroup, rlimit, got '" + v + "'");
        }
        return v;
    }

    private static String javaOption(String opt, String v) throws UsageException {
        if (!v.startsWith("-") || v.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException(opt + " must be a JVM option starting with '-', without spaces (the launcher's"
                    + " JAVA_OPTS), got '" + v + "'");
        }
        return v;
    }
}
