package io.aami.bench;

import io.aami.bench.BenchMain.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The options of {@code discovery}, each refusal naming the option: the agent jar whose scanner is measured,
 * the TCP sockets and idle processes generated, the scans measured (after {@code warmup} unmeasured ones) and the
 * peer's runs.
 */
record DiscoveryOptions(Path agentJar, int sockets, int processes, int scans, int warmup, int peerRuns) {
    static final String USAGE = """
            usage: aami-bench discovery --agent-jar agent/target/aami-agent.jar [--sockets 10000] [--processes 1000]
                     [--scans 20] [--warmup 10] [--peer-runs 10]""";

    static DiscoveryOptions parse(List<String> args) throws UsageException {
        Path jar = null;
        int sockets = 10_000;
        int processes = 1000;
        int scans = 20;
        int warmup = 10;
        int peerRuns = 10;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (!opt.startsWith("--")) {
                throw new UsageException("unexpected argument '" + opt + "'");
            }
            if (++i >= args.size()) {
                throw new UsageException(opt + " needs a value");
            }
            String v = args.get(i);
            switch (opt) {
                case "--agent-jar" -> jar = Path.of(v);
                case "--sockets" -> sockets = count(opt, v, 2, 16_000);
                case "--processes" -> processes = count(opt, v, 0, 5_000);
                case "--scans" -> scans = count(opt, v, 1, 10_000);
                case "--warmup" -> warmup = count(opt, v, 0, 10_000);
                case "--peer-runs" -> peerRuns = count(opt, v, 1, 10_000);
                default -> throw new UsageException("unknown option '" + opt + "'");
            }
        }
        if (jar == null) {
            throw new UsageException("--agent-jar is required (build it: mvn -pl agent -am package -DskipTests)");
        }
        if (!Files.isRegularFile(jar)) {
            throw new UsageException("--agent-jar " + jar + " is not a file");
        }
        return new DiscoveryOptions(jar, sockets, processes, scans, warmup, peerRuns);
    }

    private static int count(String opt, String v, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UsageException(opt + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
    }
}
