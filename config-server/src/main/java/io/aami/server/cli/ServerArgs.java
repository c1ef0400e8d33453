package io.aami.server.cli;

import java.nio.file.Path;

/** The server's command line: {@code [--config FILE]} or {@code --help}. */
public final class ServerArgs {
    private ServerArgs() {
    }

    /** The config file named on the command line, or null. */
    public static Path configFile(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("usage: java -jar aami-config-server.jar [--config FILE]\n"
                        + "       java -jar aami-config-server.jar token create [--name N] [--group-id G] [--max-uses N] [--ttl 1h]\n"
                        + "       java -jar aami-config-server.jar ca pin [--data-dir ./data]");
                System.exit(0);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see --help");
            }
        }
        return file;
    }
}
