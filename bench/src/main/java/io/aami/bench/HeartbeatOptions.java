package io.aami.bench;

import io.aami.bench.BenchMain.UsageException;
import java.time.Duration;
import java.util.List;

/** The options of {@code heartbeat}; every refusal names the option. */
record HeartbeatOptions(int agents, Duration duration, Duration warmup, boolean tls) {
    static final String USAGE = """
            usage: aami-bench heartbeat --embedded [--agents 64] [--duration 40s] [--warmup 30s] [--tls|--no-tls]""";

    static HeartbeatOptions parse(List<String> args) throws UsageException {
        int agents = 64;
        // Long enough for the JIT: on two cores C2 still took 10-30 % of a phase's CPU 60 s into a run.
        Duration duration = Duration.ofSeconds(40);
        Duration warmup = Duration.ofSeconds(30);
        Boolean tls = null;
        boolean embedded = false;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            switch (opt) {
                case "--embedded" -> embedded = true;
                case "--tls", "--no-tls" -> {
                    if (tls != null) {
                        throw new UsageException("--tls and --no-tls exclude each other");
                    }
                    tls = opt.equals("--tls");
                }
                case "--agents" -> agents = OptionValues.number(opt, OptionValues.value(args, ++i, opt), 1, 10_000);
                case "--duration" -> duration = OptionValues.duration(opt, OptionValues.value(args, ++i, opt), Duration.ofSeconds(1));
                case "--warmup" -> warmup = OptionValues.duration(opt, OptionValues.value(args, ++i, opt), Duration.ZERO);
                default -> throw new UsageException(opt.startsWith("--") ? "unknown option " + opt : "unexpected argument '" + opt + "'");
            }
        }
        if (!embedded) {
            throw new UsageException("--embedded is required (the run checks the stored heartbeats in the server's database)");
        }
        return new HeartbeatOptions(agents, duration, warmup, tls == null || tls);
    }
}
