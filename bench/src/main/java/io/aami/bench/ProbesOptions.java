package io.aami.bench;

import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code probes}, checked together; every refusal names the option (exit 2).
 *
 * @param listeners     loopback listeners probed (plus one closed port)
 * @param duration      length of each measured phase
 * @param warmup        unmeasured run of each agent mode first (the agent's JIT, C1 only, warms up)
 * @param connections   kept-alive connections of the one-request-per-probe phases (agent /probe and blackbox)
 * @param batch         tasks per /run_tasks call
 * @param batchClients  concurrent /run_tasks callers (the local API reads 2 probe bodies at once)
 * @param modes         which agent modes run: batched, single or both
 */
record ProbesOptions(int listeners, Duration duration, Duration warmup, int connections, int batch, int batchClients,
                     boolean batched, boolean single, Path agentJar, Path launcher, String blackbox, boolean rawJava,
                     String agentJavaOpts) {
    static final String USAGE = """
            usage: aami-bench probes [--listeners 4] [--duration 10s] [--warmup 3s] [--connections 32] [--batch 1000]
                     [--batch-clients 2] [--mode both|batched|single] [--agent-jar agent/target/aami-agent.jar]
                     [--launcher install/src/main/dist/aami-agent] [--blackbox prometheus-blackbox-exporter]
                     [--raw-java] [--agent-java-opts "-XX:StartFlightRecording=..."]""";

    static ProbesOptions parse(List<String> args) throws UsageException {
        int listeners = 4;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(3);
        int connections = 32;
        int batch = 1000;
        int batchClients = 2;
        String mode = "both";
        Path agentJar = null;
        Path launcher = null;
        String blackbox = "prometheus-blackbox-exporter";
        boolean rawJava = false;
        String javaOpts = "";
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (opt.equals("--raw-java")) {
                rawJava = true;
                continue;
            }
            String v = value(args, ++i, opt);
            switch (opt) {
                case "--listeners" -> listeners = number(opt, v, 1, 256);
                case "--duration" -> duration = OptionValues.duration(opt, v, Duration.ofMillis(200));
                case "--warmup" -> warmup = v.equals("0") ? Duration.ZERO : OptionValues.duration(opt, v, Duration.ZERO);
                case "--connections" -> connections = number(opt, v, 1, 512);
                case "--batch" -> batch = number(opt, v, 1, 10_000);
                case "--batch-clients" -> batchClients = number(opt, v, 1, 64);
                case "--mode" -> mode = oneOf(opt, v, "both", "batched", "single");
                case "--agent-jar" -> agentJar = Path.of(v);
                case "--launcher" -> launcher = Path.of(v);
                case "--blackbox" -> blackbox = v;
                case "--agent-java-opts" -> javaOpts = v;
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        agentJar = existing("--agent-jar", agentJar, "agent/target/aami-agent.jar");
        launcher = existing("--launcher", launcher, "install/src/main/dist/aami-agent");
        return new ProbesOptions(listeners, duration, warmup, connections, batch, batchClients, !mode.equals("single"),
                !mode.equals("batched"), agentJar, launcher, blackbox, rawJava, javaOpts);
    }

    /** The given file, or the default found from the repository root or a module directory; refused when missing. */
    private static Path existing(String opt, Path given, String fromRoot) throws UsageException {
        if (given != null) {
            if (!Files.isRegularFile(given)) {
                throw new UsageException(opt + " " + given + " is not a file");
            }
            return given;
        }
        for (Path p : List.of(Path.of(fromRoot), Path.of("..").resolve(fromRoot))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new UsageException(opt + " not given and " + fromRoot + " not found here or in ..; build it"
                + " (mvn -pl api-contract,common,agent install -DskipTests) or name it");
    }

    private static String value(List<String> args, int i, String opt) throws UsageException {
        if (!opt.startsWith("--")) {
            throw new UsageException("unexpected argument '" + opt + "'");
        }
        if (i >= args.size() || args.get(i).startsWith("--") && !opt.equals("--agent-java-opts")) {
            throw new UsageException(opt + " needs a value");
        }
        return args.get(i);
    }

    private static String oneOf(String opt, String v, String... allowed) throws UsageException {
        if (List.of(allowed).contains(v)) {
            return v;
        }
        throw new UsageException(opt + " must be one of " + String.join(", ", allowed) + ", not '" + v + "'");
    }


}
