package io.aami.server.cli;

import io.aami.common.config.ConfigException;
import io.aami.common.config.Durations;
import io.aami.common.json.WireJson;
import io.aami.contract.tokens.BootstrapTokenRequest;
import io.aami.server.config.ServerConfig;
import io.aami.server.pki.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code aami-config-server token create}: asks a running server for a bootstrap token and prints it,
 * like {@code kubeadm token create}. Finds the server as the server finds itself ({@link ServerSetup}): its
 * admin token ({@code admin_token}, {@code AAMI_ADMIN_TOKEN}, else {@code <data dir>/admin-token}), its
 * address ({@code listen}, on loopback) and its CA. Gives up after {@link #DEFAULT_WAIT} unless
 * {@code --wait} says longer (a script that has just started the server waits for it, its admin token and
 * CA included); without {@code --wait}, a missing admin token or CA fails at once.
 */
public final class TokenCommand {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
    private static final String USAGE = "usage: token create [--name NAME] [--group-id UUID] [--max-uses N] [--ttl 24h] "
            + ServerSetup.USAGE + " [--server https://127.0.0.1:8443] [--ca-cert FILE] [--wait 2s]";
    private static final Set<String> OPTIONS = options();
    private static final Duration FILE_POLL = Duration.ofMillis(250);

    private final CommandContext ctx;

    public TokenCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the process exit code: 0, 1 (the server could not be found or refused), 2 (usage or configuration). */
    public int run(List<String> args) {
        CommandOptions opts;
        ServerSetup setup;
        BootstrapTokenRequest req;
        Duration wait;
        try {
            if (args.isEmpty() || !args.get(0).equals("create")) {
                throw new IllegalArgumentException("which command?");
            }
            opts = CommandOptions.parse(args.subList(1, args.size()), OPTIONS);
            req = request(opts);
            wait = Durations.parse(opts.get("wait", DEFAULT_WAIT.toSeconds() + "s"));
            setup = ServerSetup.load(opts, ctx.env(), ctx.defaultConfig());
        } catch (ConfigException e) {
            ctx.err().println("token create: the server's configuration is invalid: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            ctx.err().println("token: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            ctx.out().println(create(opts, setup, req, wait));
            return 0;
        } catch (CommandFailure e) {
            ctx.err().println("token create: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private String create(CommandOptions opts, ServerSetup setup, BootstrapTokenRequest req, Duration wait)
            throws CommandFailure, InterruptedException {
        ServerConfig cfg = setup.config();
        Instant deadline = ctx.clock().instant().plus(wait);
        boolean waitForFiles = opts.has("wait");
        String admin = cfg.adminToken() != null ? cfg.adminToken() : adminTokenFile(setup, waitForFiles ? deadline : null);
        URI server = serverUri(opts.get("server", defaultServer(cfg)));
        Path caCert = null;
        if ("https".equals(server.getScheme())) {
            caCert = opts.has("ca-cert") ? Path.of(opts.get("ca-cert", null)) : cfg.tls().caCert() != null ? cfg.tls().caCert()
                    : cfg.pkiDir().resolve(CertificateAuthority.CERT_FILE);
            if (!appears(caCert, waitForFiles ? deadline : null)) {
                throw new CommandFailure("no CA certificate at " + caCert + " to trust " + server + " with. "
                        + setup.whereFrom() + " " + capitalized(ServerSetup.HINT) + ", or --ca-cert FILE.");
            }
        }
        Duration left = Duration.between(ctx.clock().instant(), deadline);
        return new BootstrapTokenClient(WireJson.mapper(), ctx.clock()).create(server, caCert, admin, req, left).token();
    }

    private static URI serverUri(String text) throws CommandFailure {
        try {
            URI server = new URI(text);
            if (("https".equals(server.getScheme()) || "http".equals(server.getScheme())) && server.getHost() != null) {
                return server;
            }
        } catch (java.net.URISyntaxException e) {
            // answered below
        }
        throw new CommandFailure("--server takes https://HOST:PORT (or http:// for a server with TLS off), not '" + text + "'");
    }

    /** {@code <data dir>/admin-token}, which the server writes on its first start when no token is configured. */
    private String adminTokenFile(ServerSetup setup, Instant waitUntil) throws CommandFailure, InterruptedException {
        Path file = setup.config().adminTokenFile();
        if (!appears(file, waitUntil)) {
            throw new CommandFailure("no admin token: admin_token and AAMI_ADMIN_TOKEN are unset and " + file
                    + " does not exist. " + setup.whereFrom() + " " + capitalized(ServerSetup.HINT)
                    + ", or set AAMI_ADMIN_TOKEN.");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CommandFailure("cannot read the admin token in " + file + " (" + e.getMessage()
                    + "): run the command as the server's user or root, or set AAMI_ADMIN_TOKEN");
        }
    }

    /** Whether {@code file} exists, waiting for it until {@code waitUntil} (null: not at all). */
    private boolean appears(Path file, Instant waitUntil) throws InterruptedException {
        while (!Files.exists(file) && waitUntil != null && ctx.clock().instant().isBefore(waitUntil)) {
            Thread.sleep(FILE_POLL.toMillis());
        }
        return Files.exists(file);
    }

    /** The server's own listening address, reached on loopback when it listens on every address. */
    static String defaultServer(ServerConfig cfg) {
        String host = cfg.listen().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (cfg.tls().enabled() ? "https://" : "http://") + host + ":" + cfg.listen().port();
    }

    private static BootstrapTokenRequest request(CommandOptions opts) {
        return new BootstrapTokenRequest(opts.get("name", "cli"),
                opts.has("group-id") ? UUID.fromString(opts.get("group-id", null)) : null,
                Integer.parseInt(opts.get("max-uses", "1")),
                Durations.parse(opts.get("ttl", "24h")).toSeconds(), null, null, null);
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Set<String> options() {
        Set<String> known = new HashSet<>(ServerSetup.OPTIONS);
        known.addAll(List.of("name", "group-id", "max-uses", "ttl", "server", "ca-cert", "wait"));
        return Set.copyOf(known);
    }
}
