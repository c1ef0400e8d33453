package io.aami.server.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The operator commands {@code token}, {@code user}, {@code ca} and {@code policy}, run instead of the server. */
public final class OperatorCommands {
    private OperatorCommands() {
    }

    /** The exit code of the command {@code args} names, or empty when they name none (then the server starts). */
    public static OptionalInt run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        List<String> rest = List.of(args).subList(1, args.length);
        CommandContext ctx = CommandContext.of(env, System.in, out, err, clock);
        return switch (args[0]) {
            case "token" -> OptionalInt.of(new TokenCommand(ctx).run(rest));
            case "user" -> OptionalInt.of(new UserCommand(ctx).run(rest));
            case "ca" -> OptionalInt.of(new CaCommand(ctx).run(rest));
            case "policy" -> OptionalInt.of(new PolicyCommand(ctx).run(rest));
            default -> OptionalInt.empty();
        };
    }
}
