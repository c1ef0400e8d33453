package io.aami.agent.config;

import io.aami.agent.util.ProcessUid;
import io.aami.common.config.ConfigTree;
import io.aami.common.net.HostPort;
import io.aami.common.text.Strings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The {@code api.*} keys. Read with the others ({@link #read}); the token files are read and the rules between the
 * keys checked only after every key is known ({@link #resolve}), so an unknown key is still the first error reported.
 * <ul>
 *   <li>{@code api.token} or {@code api.token_file} (not both): the full credential, every route.</li>
 *   <li>{@code api.metrics_token_file}: a second credential that authorizes {@code GET /metrics} only, for
 *       Prometheus; it must differ from the full one.</li>
 *   <li>A non-loopback {@code api.listen} needs the full credential: the metrics token alone would leave the other
 *       routes (which make this root-run host connect anywhere, or inject results) open to the network.</li>
 * </ul>
 */
final class ApiConfig {
    static final String LISTEN = "api.listen";
    static final String TOKEN = "api.token";
    static final String TOKEN_FILE = "api.token_file";
    static final String METRICS_TOKEN_FILE = "api.metrics_token_file";

    private final HostPort listen;
    private final String token;
    private final Path tokenFile;
    private final Path metricsTokenFile;
    private final boolean allowPrivilegedSourcePorts;

    private ApiConfig(HostPort listen, String token, Path tokenFile, Path metricsTokenFile, boolean allowPrivilegedSourcePorts) {
        this.listen = listen;
        this.token = token;
        this.tokenFile = tokenFile;
        this.metricsTokenFile = metricsTokenFile;
        this.allowPrivilegedSourcePorts = allowPrivilegedSourcePorts;
    }

    /** The keys' values; syntax errors only. */
    static ApiConfig read(ConfigTree t, int defaultPort) {
        return new ApiConfig(listen(t, defaultPort), Strings.trimToNull(t.string(TOKEN, null)), path(t.string(TOKEN_FILE, null)),
                path(t.string(METRICS_TOKEN_FILE, null)), t.bool("api.allow_privileged_source_ports", false));
    }

    /**
     * The API's configuration: token files read (owned by root or {@code agentUid}, private), rules between keys checked.
     * {@code agentUid} is asked for only when a token file is set.
     */
    AgentConfig.Api resolve(ConfigTree t, LongSupplier agentUid) {
        if (token != null && tokenFile != null) {
            throw t.invalid(TOKEN_FILE, "set api.token or api.token_file, not both");
        }
        ApiToken full = token != null ? ApiToken.of(token)
                : tokenFile == null ? null : ApiToken.of(TokenFile.read(t, TOKEN_FILE, tokenFile, agentUid.getAsLong()));
        ApiToken metrics = metricsTokenFile == null ? null
                : ApiToken.of(TokenFile.read(t, METRICS_TOKEN_FILE, metricsTokenFile, agentUid.getAsLong()));
        if (metrics != null && metrics.sameAs(full)) {
            throw t.invalid(METRICS_TOKEN_FILE, "holds the same token as " + (token != null ? TOKEN : TOKEN_FILE)
                    + "; the metrics token is handed to Prometheus, so it must be a token of its own");
        }
        if (listen != null && full == null && !loopback(listen.host())) {
            throw t.invalid(LISTEN, listen.host() + " is not a loopback address; the local API can make this host connect"
                    + " anywhere, so set api.token or api.token_file to expose it (api.metrics_token_file alone guards only"
                    + " /metrics)");
        }
        return new AgentConfig.Api(listen == null ? null : listen.host(), listen == null ? 0 : listen.port(), full, metrics,
                allowPrivilegedSourcePorts);
    }

    /** The effective uid, asked for only when a token file has to be checked. */
    static LongSupplier processUid() {
        return ProcessUid::effective;
    }

    /**
     * A warning when {@code api.token} is written in a configuration file group or others can read: every local user
     * then has the credential of a root-run API. Not an error, so that an existing host keeps running after an upgrade.
     */
    Optional<String> inlineTokenWarning(Path configFile, java.util.Map<String, String> env) {
        // The environment wins over the file: a token set there did not come from the file.
        if (token == null || configFile == null || Strings.blankToNull(env.get("AAMI_API_TOKEN")) != null) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(configFile);
            Set<PosixFilePermission> shared = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
            shared.retainAll(mode);
            return shared.isEmpty() ? Optional.empty() : Optional.of("api.token is written in " + configFile + ", which is "
                    + PosixFilePermissions.toString(mode) + ": local users can read it and drive the local API; move the token"
                    + " to api.token_file (a 0600 file) or chmod 0600 " + configFile);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** {@code api.listen}: blank or {@code off} turns the local API off; port 0 picks a free port. */
    private static HostPort listen(ConfigTree t, int defaultPort) {
        String def = "127.0.0.1:" + defaultPort;
        String value = t.string(LISTEN, def).trim();
        return value.isEmpty() || value.equalsIgnoreCase("off") ? null : t.hostPort(LISTEN, def, HostPort.Option.PORT_ZERO);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Path path(String s) {
        String v = Strings.blankToNull(s);
        return v == null ? null : Path.of(v);
    }
}
