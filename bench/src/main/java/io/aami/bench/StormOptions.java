package io.aami.bench;

import static io.aami.bench.OptionValues.value;
import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code storm}; every refusal names the option. The server is always the embedded
 * one (the bench restarts it); {@code identities} and {@code dataDir} are null unless given.
 */
record StormOptions(int agents, Duration heartbeat, Duration down, Duration timeout, boolean peer, Path identities,
                    Path dataDir, int processes, int replicas) {
    static final int MAX_AGENTS = 200_000;
    static final String USAGE = """
            usage: aami-bench storm --agents N --embedded [--heartbeat 30s] [--down 5s] [--timeout 180s]
                     [--no-peer] [--identities FILE --data-dir DIR] [--processes 1] [--replicas 1]""";

    static StormOptions parse(List<String> args) throws UsageException {
        Integer agents = null;
        Duration heartbeat = Duration.ofSeconds(30);
        Duration down = Duration.ofSeconds(5);
        Duration timeout = Duration.ofSeconds(180);
        boolean embedded = false;
        boolean peer = true;
        Path identities = null;
        Path dataDir = null;
        int processes = 1;
        int replicas = 1;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            switch (opt) {
                case "--embedded" -> embedded = true;
                case "--no-peer" -> peer = false;
                case "--agents" -> agents = number(opt, value(args, ++i, opt), 1, MAX_AGENTS);
                case "--heartbeat" -> heartbeat = OptionValues.duration(opt, value(args, ++i, opt), Duration.ofSeconds(1));
                case "--down" -> down = OptionValues.duration(opt, value(args, ++i, opt), Duration.ZERO);
                case "--timeout" -> timeout = OptionValues.duration(opt, value(args, ++i, opt), Duration.ofSeconds(1));
                case "--identities" -> identities = Path.of(value(args, ++i, opt));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, opt));
                case "--processes" -> processes = number(opt, value(args, ++i, opt), 1, FleetOptions.MAX_PROCESSES);
                case "--replicas" -> replicas = number(opt, value(args, ++i, opt), 1, FleetOptions.MAX_REPLICAS);
                case "--server", "--tls", "--no-tls" -> throw new UsageException(opt
                        + " does not apply: storm restarts the server itself (--embedded) and runs with TLS, then without it as the peer");
                default -> throw new UsageException(opt.startsWith("--") ? "unknown option " + opt : "unexpected argument '" + opt + "'");
            }
        }
        if (agents == null) {
            throw new UsageException("--agents is required (the number of agents that reconnect)");
        }
        if (!embedded) {
            throw new UsageException("give --embedded: storm stops and starts the server in this JVM");
        }
        if (identities != null && dataDir == null) {
            throw new UsageException("--identities needs --data-dir: enrolled agents are reusable only with the same server,"
                    + " whose CA and database live in that directory");
        }
        return new StormOptions(agents, heartbeat, down, timeout, peer, identities, dataDir, processes, replicas);
    }



}
