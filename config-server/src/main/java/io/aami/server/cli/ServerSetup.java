package io.aami.server.cli;

import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server an operator command works on, found the way the server finds itself: its config file
 * ({@code --config}, else {@link ServerArgs#DEFAULT_CONFIG_PATH} when it exists), then the {@code AAMI_*}
 * environment, then the command's own {@code --data-dir} above both. When something of the server is not
 * where this points, {@link #whereFrom()} and {@link #HINT} tell the operator why and what to pass: the
 * usual mistake is running the command elsewhere than the server, where {@code ./data} is someone else's
 * directory or none.
 */
final class ServerSetup {
    static final String USAGE = "[--config FILE] [--data-dir DIR]";
    static final Set<String> OPTIONS = Set.of("config", "data-dir");
    static final String HINT = "pass the server's config file (--config FILE) or its data directory (--data-dir DIR),"
            + " or run the command with the server's AAMI_* environment";

    private final ServerConfig config;
    private final Path file;
    private final String dataDirSource;

    private ServerSetup(ServerConfig config, Path file, String dataDirSource) {
        this.config = config;
        this.file = file;
        this.dataDirSource = dataDirSource;
    }

    /** @throws io.aami.common.config.ConfigException when the server's configuration itself is invalid */
    static ServerSetup load(CommandOptions opts, Map<String, String> env, Path defaultFile) {
        Path file = ServerArgs.orDefault(opts.has("config") ? Path.of(opts.get("config", null)) : null, defaultFile);
        Map<String, String> layered = new HashMap<>(env);
        String source;
        if (opts.has("data-dir")) {
            layered.put("AAMI_DATA_DIR", opts.get("data-dir", null));
            source = "from --data-dir";
        } else if (env.containsKey("AAMI_DATA_DIR")) {
            source = "from AAMI_DATA_DIR";
        } else if (file != null) {
            source = "from " + file + " (its data_dir, else ./data)";
        } else {
            source = "the default ./data of the current directory: no --config or --data-dir was given, "
                    + (defaultFile == null ? "" : defaultFile + " does not exist, ") + "AAMI_DATA_DIR is unset";
        }
        return new ServerSetup(ServerConfigLoader.load(file, layered), file, source);
    }

    ServerConfig config() {
        return config;
    }

    /** One sentence on the data directory in use and where it came from. */
    String whereFrom() {
        return "The data directory " + config.dataDir() + " is " + dataDirSource + ".";
    }

    /** The config file in use, or null. */
    Path file() {
        return file;
    }
}
