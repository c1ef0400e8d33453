package io.aami.bench;

import static io.aami.bench.OptionValues.value;
import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code footprint}, parsed and checked together; every refusal names the option. The
 * server is always {@code --embedded} (accepted for symmetry with {@code fleet}): the figure is the agent's,
 * and an agent needs a server that answers. {@code launcher} null means the launcher shipped in this jar.
 */
public record FootprintOptions(int checks, int probes, Duration warmup, Duration window, Duration firstLife, String archive, Path agentJar,
                               Path launcher, Path nodeExporter) {
    static final int MAX_CHECKS = 500;
    static final int MAX_PROBES = 500;
    static final Path DEFAULT_AGENT_JAR = Path.of("agent/target/aami-agent.jar");
    static final Path DEFAULT_NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    static final String USAGE = """
            usage: aami-bench footprint [--embedded] [--checks 50] [--probes 20] [--warmup 30s] [--window 60s] [--archive train|first-life|none]
                     [--first-life 15s]
                     [--agent-jar agent/target/aami-agent.jar] [--launcher install/src/main/dist/aami-agent]
                     [--node-exporter /usr/bin/prometheus-node-exporter]""";

    /** Where the measured life's class archive comes from: {@code aami-agent --train}, as the packages make it. */
    static final String ARCHIVE_TRAIN = "train";
    /** Recorded at the stop of a first life (an agent whose training failed, or after a Java update). */
    static final String ARCHIVE_FIRST_LIFE = "first-life";
    /** No archive at all ({@code AAMI_CDS_ARCHIVE} empty). */
    static final String ARCHIVE_NONE = "none";

    private static String archive(String opt, String v) throws UsageException {
        if (!List.of(ARCHIVE_TRAIN, ARCHIVE_FIRST_LIFE, ARCHIVE_NONE).contains(v)) {
            throw new UsageException(opt + " must be train, first-life or none, not '" + v + "'");
        }
        return v;
    }

    public static FootprintOptions parse(List<String> args) throws UsageException {
        int checks = 50;
        int probes = 20;
        Duration warmup = Duration.ofSeconds(30);
        Duration window = Duration.ofSeconds(60);
        Duration firstLife = Duration.ofSeconds(15);
        String archive = ARCHIVE_TRAIN;
        Path agentJar = DEFAULT_AGENT_JAR;
        Path launcher = null;
        Path nodeExporter = DEFAULT_NODE_EXPORTER;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (opt.equals("--embedded")) {
                continue;
            }
            String v = value(args, ++i, opt);
            switch (opt) {
                case "--checks" -> checks = number(opt, v, 1, MAX_CHECKS);
                case "--probes" -> probes = number(opt, v, 0, MAX_PROBES);
                case "--warmup" -> warmup = OptionValues.duration(opt, v, Duration.ZERO);
                case "--window" -> window = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                case "--first-life" -> firstLife = OptionValues.duration(opt, v, Duration.ZERO);
                case "--archive" -> archive = archive(opt, v);
                case "--agent-jar" -> agentJar = Path.of(v);
                case "--launcher" -> launcher = Path.of(v);
                case "--node-exporter" -> nodeExporter = Path.of(v);
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        return new FootprintOptions(checks, probes, warmup, window, firstLife, archive, agentJar, launcher, nodeExporter);
    }
}
