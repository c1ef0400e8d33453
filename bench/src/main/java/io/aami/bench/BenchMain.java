package io.aami.bench;

import io.aami.common.logging.LogSetup;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of {@code aami-bench.jar}: one command per benchmark. Exit 2 for a refused command
 * line (the message names the option), else the command's own code.
 */
public final class BenchMain {
    static final int EXIT_USAGE = 2;

    private BenchMain() {
    }

    public static void main(String[] args) {
        LogSetup.configure(System.getenv().getOrDefault("AAMI_BENCH_LOG_LEVEL", "warn"), "text");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("fleet")) {
            err.println("aami-bench: " + (args.length == 0 ? "no command" : "unknown command '" + args[0] + "'")
                    + "; commands: fleet");
            err.println(FleetOptions.USAGE);
            return EXIT_USAGE;
        }
        FleetOptions options;
        try {
            options = FleetOptions.parse(Arrays.asList(args).subList(1, args.length));
        } catch (FleetOptions.UsageException e) {
            err.println("aami-bench fleet: " + e.getMessage());
            err.println(FleetOptions.USAGE);
            return EXIT_USAGE;
        }
        return FleetCommand.runSafely(options, out, err);
    }
}
