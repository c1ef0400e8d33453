package io.aami.bench;

import io.aami.common.logging.LogSetup;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entry point of {@code aami-bench.jar}: one command per benchmark, listed in {@link #COMMANDS}.
 * Exit 2 for a refused command line (the message names the option), else the command's own code.
 */
public final class BenchMain {
    static final int EXIT_USAGE = 2;

    /** One benchmark: parses its own arguments (throwing {@link UsageException}) and runs. */
    interface Command {
        /** The command's usage lines, printed with a refusal. */
        String usage();

        /** Runs with the arguments after the command's name; returns the exit code. */
        int run(List<String> args, PrintStream out, PrintStream err) throws UsageException;
    }

    /** A refused command line; its message names the option. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The one list of commands: add a benchmark here, one line each. */
    static final Map<String, Command> COMMANDS = commands();

    private BenchMain() {
    }

    private static Map<String, Command> commands() {
        Map<String, Command> m = new TreeMap<>();
        m.put("fleet", new FleetCommand.Entry());
        m.put("probes", new ProbesCommand.Entry());
        m.put("metrics", new MetricsCommand.Entry());
        m.put("footprint", new FootprintCommand.Entry());
        m.put("ingest", new IngestCommand.Entry());
        m.put("heartbeat", new HeartbeatCommand.Entry());
        m.put("checkrun", new CheckRunCommand.Entry());
        m.put("policy", new PolicyCommand.Entry());
        m.put("storm", new StormCommand.Entry());
        m.put("console", new ConsoleCommand.Entry());
        m.put("discovery", new DiscoveryCommand.Entry());
        return m;
    }

    public static void main(String[] args) {
        LogSetup.configure(System.getenv().getOrDefault("AAMI_BENCH_LOG_LEVEL", "warn"), "text");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Command command = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (command == null) {
            err.println("aami-bench: " + (args.length == 0 ? "no command" : "unknown command '" + args[0] + "'")
                    + "; commands: " + String.join(", ", COMMANDS.keySet()));
            COMMANDS.values().forEach(c -> err.println(c.usage()));
            return EXIT_USAGE;
        }
        try {
            return command.run(Arrays.asList(args).subList(1, args.length), out, err);
        } catch (UsageException e) {
            err.println("aami-bench " + args[0] + ": " + e.getMessage());
            err.println(command.usage());
            return EXIT_USAGE;
        }
    }
}
