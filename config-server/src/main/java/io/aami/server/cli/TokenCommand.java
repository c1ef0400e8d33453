package io.aami.server.cli;

import io.aami.common.config.ConfigException;
import io.aami.common.config.Durations;
import io.aami.common.json.WireJson;
import io.aami.contract.ApiPaths;
import io.aami.contract.tokens.BootstrapTokenRequest;
import io.aami.contract.tokens.BootstrapTokenView;
import io.aami.server.config.ServerConfig;
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
            + ServerSetup.USAGE + " " + AdminEndpoint.USAGE;
    private static final Set<String> OPTIONS = options();

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
        Instant deadline = ctx.clock().instant().plus(wait);
        AdminEndpoint api = AdminEndpoint.find(opts, setup, ctx.clock(), opts.has("wait") ? deadline : null);
        Duration left = Duration.between(ctx.clock().instant(), deadline);
        return new AdminApiClient(WireJson.mapper(), ctx.clock()).create(api.server(), api.caCert(), api.adminToken(),
                ApiPaths.BOOTSTRAP_TOKENS, req, BootstrapTokenView.class, left).token();
    }

    /** The server's own listening address, reached on loopback when it listens on every address. */
    static String defaultServer(ServerConfig cfg) {
        return AdminEndpoint.defaultServer(cfg);
    }

    private static BootstrapTokenRequest request(CommandOptions opts) {
        return new BootstrapTokenRequest(opts.get("name", "cli"),
                opts.has("group-id") ? UUID.fromString(opts.get("group-id", null)) : null,
                Integer.parseInt(opts.get("max-uses", "1")),
                Durations.parse(opts.get("ttl", "24h")).toSeconds(), null, null, null);
    }

    private static Set<String> options() {
        Set<String> known = new HashSet<>(ServerSetup.OPTIONS);
        known.addAll(List.of("name", "group-id", "max-uses", "ttl"));
        known.addAll(AdminEndpoint.OPTIONS);
        return Set.copyOf(known);
    }
}
