package io.aami.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What every operator command runs with: the process environment (its {@code AAMI_*} keys configure the
 * server the command looks for), where it reads (a password, never an argument) and prints, its clock, and
 * the config file it reads when none is given ({@link ServerArgs#DEFAULT_CONFIG_PATH} in production; tests
 * point it elsewhere).
 */
public record CommandContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Clock clock,
                             Path defaultConfig) {
    /** A context that reads nothing: commands that take no input. */
    public CommandContext(Map<String, String> env, PrintStream out, PrintStream err, Clock clock, Path defaultConfig) {
        this(env, InputStream.nullInputStream(), out, err, clock, defaultConfig);
    }

    public static CommandContext of(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        return of(env, InputStream.nullInputStream(), out, err, clock);
    }

    public static CommandContext of(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Clock clock) {
        return new CommandContext(env, in, out, err, clock, Path.of(ServerArgs.DEFAULT_CONFIG_PATH));
    }
}
