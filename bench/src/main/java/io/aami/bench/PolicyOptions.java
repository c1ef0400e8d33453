package io.aami.bench;

import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code policy}: every refusal names the option, and the caller exits 2 with it.
 * {@code apiEnrollment} false is the fast path: targets written straight into the database.
 * {@code warmup}: agents of the unmeasured first round (0: none). {@code processes}: simulator child JVMs the
 * agents are spread over (1: in this JVM); {@code replicas}: config-server replicas on the one database. A
 * combination that would put more connections in one process than {@link #descriptorBudget} allows is refused,
 * naming the option to raise.
 */
public record PolicyOptions(int agents, int peer, boolean apiEnrollment, Duration pollWait, Duration timeout, int warmup,
                            int processes, int replicas) {
    /** The warm-up round's default size: the measured round's, at most this. */
    static final int DEFAULT_WARMUP = 1_000;
    static final int MAX_AGENTS = 1_000_000;
    /** The server's {@code policy.max_wait} at most: above its default (60 s) the bench raises it to {@code --poll-wait}. */
    static final Duration MAX_POLL_WAIT = Duration.ofMinutes(10);
    static final String USAGE = """
            usage: aami-bench policy [--agents 1000] [--peer 100] [--warmup N] [--enroll db|api] [--poll-wait 60s] [--timeout 60s]
                     [--processes 1] [--replicas 1]
                     (embedded server, TLS off; --enroll db writes the targets into the database, api enrolls each;
                      --warmup: agents of an unmeasured first round, default min(--agents, 1000), 0 for none;
                      --processes: simulator child JVMs for the agents; --replicas: config-server replicas)""";

    public static PolicyOptions parse(List<String> args) throws UsageException {
        int agents = 1_000;
        int peer = 100;
        boolean api = false;
        Duration pollWait = Duration.ofSeconds(60);
        Duration timeout = Duration.ofSeconds(60);
        Integer warmup = null;
        int processes = 1;
        int replicas = 1;
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
                case "--processes" -> processes = number(opt, v, 1, FleetOptions.MAX_PROCESSES);
                case "--replicas" -> replicas = number(opt, v, 1, FleetOptions.MAX_REPLICAS);
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        if (pollWait.compareTo(MAX_POLL_WAIT) > 0) {
            throw new UsageException("--poll-wait must be at most 10m (the server's policy.max_wait), not " + pollWait.toSeconds() + "s");
        }
        int warm = warmup != null ? warmup : Math.min(agents, DEFAULT_WARMUP);
        String refusal = descriptorRefusal(Math.max(agents, Math.max(peer, warm)), processes, replicas, descriptorBudget());
        if (refusal != null) {
            throw new UsageException(refusal);
        }
        return new PolicyOptions(agents, peer, api, pollWait, timeout, warm, processes, replicas);
    }

    /**
     * Connections one process may hold in a run: 90 % of this process's open-file limit (the children inherit it;
     * the rest is for the JVM's jars, PostgreSQL's connections and the admin calls), 18,000 here; 18,000 when unknown.
     */
    static long descriptorBudget() {
        long limit = FleetSpread.openFileLimit();
        return limit <= 0 ? 18_000 : limit / 10 * 9;
    }

    /**
     * Why {@code largest} agents (the largest round; rounds run one after another, each one's connections closed
     * before the next) cannot run over these processes and replicas within {@code budget} connections a process,
     * naming the option to raise; null when they can. Each agent holds one connection (its fetch, then its polls,
     * on it), one descriptor at each end: in its simulator process (this JVM with {@code --processes 1}) and in its
     * replica (the first is this JVM).
     */
    static String descriptorRefusal(int largest, int processes, int replicas, long budget) {
        long perReplica = (largest + replicas - 1L) / replicas;
        long perChild = (largest + processes - 1L) / processes;
        long here = perReplica + (processes == 1 ? largest : 0);
        if (processes > 1 && perChild > budget) {
            return String.format("--processes %d puts %,d agents' connections in each simulator child, over the %,d a process may"
                    + " hold here: raise --processes", processes, perChild, budget);
        }
        if (perReplica > budget) {
            return String.format("--replicas %d puts %,d agents' connections in each config-server replica, over the %,d a process"
                    + " may hold here: raise --replicas", replicas, perReplica, budget);
        }
        if (here > budget) {
            return String.format("%,d agents with --processes 1 put %,d connections in this JVM (the agents' ends and the first"
                    + " replica's), over the %,d a process may hold here: raise --processes (and --replicas)", largest, here, budget);
        }
        return null;
    }
}
