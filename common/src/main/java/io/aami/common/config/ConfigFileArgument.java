package io.aami.common.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The command line both processes share: {@code [--config FILE | --config=FILE]} or {@code --help}.
 * Anything else is an error rather than ignored, so a mistyped flag never starts a process on defaults.
 */
public final class ConfigFileArgument {
    private ConfigFileArgument() {
    }

    /** What the command line asks for: a config file (or none), or the usage text. */
    public record Parsed(Path configFile, boolean help) {
    }

    /** @throws IllegalArgumentException naming the first argument it does not know */
    public static Parsed parse(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                return new Parsed(file, true);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see --help");
            }
        }
        return new Parsed(file, false);
    }

    /** The config file named on the command line; on {@code --help} prints {@code usage} and exits 0. */
    public static Optional<Path> configFileOrExit(String[] args, String usage) {
        Parsed parsed = parse(args);
        if (parsed.help()) {
            System.out.println(usage);
            System.exit(0);
        }
        return Optional.ofNullable(parsed.configFile());
    }
}
