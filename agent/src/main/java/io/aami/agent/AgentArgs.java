package io.aami.agent;

import io.aami.common.config.ConfigFileArgument;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's command line: {@code [--config FILE]} (default /etc/aami/agent.yaml when it exists), {@code --train}
 * (the short offline life the launcher records the class archive from; see {@link Training}) or
 * {@code --help}.
 */
final class AgentArgs {
    static final Path DEFAULT_CONFIG = Path.of("/etc/aami/agent.yaml");
    private static final String USAGE = "usage: java -jar aami-agent.jar [--config /etc/aami/agent.yaml | --train]";

    private AgentArgs() {
    }

    /** {@code --train} alone: the training life, not an agent. */
    static boolean training(String[] args) {
        return args.length == 1 && args[0].equals("--train");
    }

    static Path configFile(String[] args) {
        return ConfigFileArgument.configFileOrExit(args, USAGE)
                .orElseGet(() -> Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null);
    }
}
