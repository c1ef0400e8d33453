package io.aami.server.cli;

import io.aami.common.config.ConfigFileArgument;
import java.nio.file.Path;

/** The server's command line: {@code [--config FILE]} or {@code --help}. */
public final class ServerArgs {
    private static final String USAGE = "usage: java -jar aami-config-server.jar [--config FILE]\n"
            + "       java -jar aami-config-server.jar token create [--name N] [--group-id G] [--max-uses N] [--ttl 1h]\n"
            + "       java -jar aami-config-server.jar ca pin [--data-dir ./data]\n"
            + "       java -jar aami-config-server.jar policy rotate-key [--data-dir ./data]";

    private ServerArgs() {
    }

    /** The config file named on the command line, or null. */
    public static Path configFile(String[] args) {
        return ConfigFileArgument.configFileOrExit(args, USAGE).orElse(null);
    }
}
