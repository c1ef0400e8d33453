package io.aami.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/** The agent's command line: {@code [--config FILE]} (default /etc/aami/agent.yaml when it exists) or {@code --help}. */
final class AgentArgs {
    static final Path DEFAULT_CONFIG = Path.of("/etc/aami/agent.yaml");

    private AgentArgs() {
    }

    static Path configFile(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("usage: java -jar aami-agent.jar [--config /etc/aami/agent.yaml]");
                System.exit(0);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see --help");
            }
        }
        if (file == null && Files.exists(DEFAULT_CONFIG)) {
            file = DEFAULT_CONFIG;
        }
        return file;
    }
}
