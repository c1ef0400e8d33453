package io.aami.server.cli;

import io.aami.common.config.ConfigFileArgument;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's command line: {@code [--config FILE]} (default {@value #DEFAULT_CONFIG_PATH} when it exists) or
 * {@code --help}. The operator commands find the server's config file the same way ({@link ServerSetup}).
 */
public final class ServerArgs {
    public static final String DEFAULT_CONFIG_PATH = "/etc/aami/config-server.yaml";
    static final String USAGE = "usage: java -jar aami-config-server.jar [--config FILE]   (default " + DEFAULT_CONFIG_PATH
            + " when it exists)\n"
            + "       java -jar aami-config-server.jar token create [--name N] [--group-id G] [--max-uses N] [--ttl 24h] "
            + ServerSetup.USAGE + "\n"
            + "       java -jar aami-config-server.jar ca pin " + ServerSetup.USAGE + "\n"
            + "       java -jar aami-config-server.jar policy rotate-key " + ServerSetup.USAGE + "\n"
            + "       java -jar aami-config-server.jar routes";

    private ServerArgs() {
    }

    /** The config file named on the command line, else the default one when it exists, else null. */
    public static Path configFile(String[] args) {
        return orDefault(ConfigFileArgument.configFileOrExit(args, USAGE).orElse(null), Path.of(DEFAULT_CONFIG_PATH));
    }

    /** {@code explicit}, else {@code defaultFile} when it exists, else null (defaults and environment only). */
    static Path orDefault(Path explicit, Path defaultFile) {
        if (explicit != null) {
            return explicit;
        }
        return defaultFile != null && Files.exists(defaultFile) ? defaultFile : null;
    }
}
