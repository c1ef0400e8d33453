package io.aami.agent;

import io.aami.common.config.ConfigFileArgument;
import java.nio.file.Files;
import java.nio.file.Path;

/** The agent's command line: {@code [--config FILE]} (default /etc/aami/agent.yaml when it exists) or {@code --help}. */
final class AgentArgs {
    static final Path DEFAULT_CONFIG = Path.of("/etc/aami/agent.yaml");

    private AgentArgs() {
    }

    static Path configFile(String[] args) {
        return ConfigFileArgument.configFileOrExit(args, "usage: java -jar aami-agent.jar [--config /etc/aami/agent.yaml]")
                .orElseGet(() -> Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null);
    }
}
