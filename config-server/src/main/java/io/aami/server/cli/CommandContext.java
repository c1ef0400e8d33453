package io.aami.server.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What every operator command runs with: the process environment (its {@code AAMI_*} keys configure the
 * server the command looks for), where it prints, its clock, and the config file it reads when none is
 * given ({@link ServerArgs#DEFAULT_CONFIG_PATH} in production; tests point it elsewhere).
 */
public record CommandContext(Map<String, String> env, PrintStream out, PrintStream err, Clock clock, Path defaultConfig) {
    public static CommandContext of(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        return new CommandContext(env, out, err, clock, Path.of(ServerArgs.DEFAULT_CONFIG_PATH));
    }
}
