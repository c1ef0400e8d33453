package io.aami.bench;

import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code policy}: every refusal names the option, and the caller exits 2 with it.
 * {@code apiEnrollment} false is the fast path: targets written straight into the database.
 * {@code warmup}: agents of the unmeasured first round (0: none).
 */
public record PolicyOptions(int agents, int peer, boolean apiEnrollment, Duration pollWait, Duration timeout, int warmup) {
    /** The warm-up round's default size: the measured round's, at most this. */
    static final int DEFAULT_WARMUP = 1_000;
    static final int MAX_AGENTS = 1_000_000;
    static final String USAGE = """
            usage: aami-bench policy [--agents 1000] [--peer 100] [--warmup N] [--enroll db|api] [--poll-wait 60s] [--timeout 60s]
                     (embedded server, TLS off; --enroll db writes the targets into the database, api enrolls each;
                      --warmup: agents of an unmeasured first round, default min(--agents, 1000), 0 for none)""";

    public static PolicyOptions parse(List<String> args) throws UsageException {
        int agents = 1_000;
        int peer = 100;
        boolean api = false;
        Duration pollWait = Duration.ofSeconds(60);
        Duration timeout = Duration.ofSeconds(60);
        Integer warmup = null;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (!opt.startsWith("--")) {
                throw new UsageException("unexpected argument '" + opt + "'");
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new UsageException(opt + " needs a value");
            }
            String v = args.get(++i);
            switch (opt) {
                case "--agents" -> agents = number(opt, v, 1, MAX_AGENTS);
                case "--peer" -> peer = number(opt, v, 1, MAX_AGENTS);
                case "--warmup" -> warmup = number(opt, v, 0, MAX_AGENTS);
                case "--enroll" -> api = switch (v) {
                    case "db" -> false;
                    case "api" -> true;
                    default -> throw new UsageException("--enroll must be db or api, not '" + v + "'");
                };
                case "--poll-wait" -> pollWait = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                case "--timeout" -> timeout = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        return new PolicyOptions(agents, peer, api, pollWait, timeout, warmup != null ? warmup : Math.min(agents, DEFAULT_WARMUP));
    }
}
