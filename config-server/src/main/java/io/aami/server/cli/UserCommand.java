package io.aami.server.cli;

import io.aami.common.config.ConfigException;
import io.aami.common.config.Durations;
import io.aami.common.json.WireJson;
import io.aami.contract.ApiPaths;
import io.aami.contract.users.UserRequest;
import io.aami.contract.users.UserView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code aami-config-server user add --name NAME --role ROLE [--password-file FILE]}: creates a user on a
 * running server through its admin API with the break-glass admin token, found as {@code token create} finds
 * it ({@link AdminEndpoint}). The first admin is made this way. The password is read from the file, or from
 * standard input (its first line), never from an argument or the environment, where other local users and
 * logs could read it; it is never printed.
 */
public final class UserCommand {
    private static final String USAGE = "usage: user add --name NAME --role viewer|operator|admin [--password-file FILE]"
            + " (else the password is read from standard input) " + ServerSetup.USAGE + " " + AdminEndpoint.USAGE;
    private static final int MAX_PASSWORD_BYTES = 4096;
    private static final Set<String> OPTIONS = options();

    private final CommandContext ctx;

    public UserCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the process exit code: 0, 1 (no password, the server could not be found or refused), 2 (usage). */
    public int run(List<String> args) {
        CommandOptions opts;
        ServerSetup setup;
        Duration wait;
        try {
            if (args.isEmpty() || !args.get(0).equals("add")) {
                throw new IllegalArgumentException("which command?");
            }
            opts = CommandOptions.parse(args.subList(1, args.size()), OPTIONS);
            if (!opts.has("name") || !opts.has("role")) {
                throw new IllegalArgumentException("--name and --role are required");
            }
            wait = Durations.parse(opts.get("wait", TokenCommand.DEFAULT_WAIT.toSeconds() + "s"));
            setup = ServerSetup.load(opts, ctx.env(), ctx.defaultConfig());
        } catch (ConfigException e) {
            ctx.err().println("user add: the server's configuration is invalid: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            ctx.err().println("user: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            Instant deadline = ctx.clock().instant().plus(wait);
            // The server's admin token and CA first: a command that cannot reach the server says so before asking.
            AdminEndpoint api = AdminEndpoint.find(opts, setup, ctx.clock(), opts.has("wait") ? deadline : null);
            UserRequest req = new UserRequest(opts.get("name", null), opts.get("role", null), password(opts));
            deadline = ctx.clock().instant().plus(wait);
            UserView u = new AdminApiClient(WireJson.mapper(), ctx.clock()).create(api.server(), api.caCert(), api.adminToken(),
                    ApiPaths.USERS, req, UserView.class, Duration.between(ctx.clock().instant(), deadline));
            ctx.out().println("created user " + u.name() + " (" + u.role() + "), id " + u.id());
            return 0;
        } catch (CommandFailure e) {
            ctx.err().println("user add: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The first line of the password file or of standard input, without its line end; typed at a terminal,
     * it is asked for without echo.
     */
    private String password(CommandOptions opts) throws CommandFailure {
        java.io.Console console = System.console();
        if (!opts.has("password-file") && ctx.in() == System.in && console != null) {
            char[] typed = console.readPassword("password for %s: ", opts.get("name", ""));
            if (typed == null || typed.length == 0) {
                throw new CommandFailure("no password typed");
            }
            return new String(typed);
        }
        String from = opts.has("password-file") ? opts.get("password-file", null) : "standard input";
        if (opts.has("password-file")) {
            warnWhenOthersRead(Path.of(from));
        }
        byte[] bytes;
        try (InputStream in = opts.has("password-file") ? Files.newInputStream(Path.of(from)) : null) {
            bytes = (in != null ? in : ctx.in()).readNBytes(MAX_PASSWORD_BYTES + 1);
        } catch (IOException e) {
            throw new CommandFailure("cannot read the password from " + from + ": " + e.getMessage());
        }
        if (bytes.length > MAX_PASSWORD_BYTES) {
            throw new CommandFailure("the password in " + from + " is longer than " + MAX_PASSWORD_BYTES + " bytes");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (line.isEmpty()) {
            throw new CommandFailure("no password on " + from + ": pipe it in (never as an argument) or use --password-file FILE");
        }
        return line;
    }

    /** A password file that group or others can read has probably been read already: say so (it still works). */
    private void warnWhenOthersRead(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                ctx.err().println("user add: warning: " + file + " is readable by group or others (" + PosixFilePermissions.toString(mode)
                        + "): anyone who could read it may know the password; keep it 0600 (chmod 600) and delete it when done");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // unreadable files are reported when read; a file system without modes has nothing to warn about
        }
    }

    private static Set<String> options() {
        Set<String> known = new HashSet<>(ServerSetup.OPTIONS);
        known.addAll(List.of("name", "role", "password-file"));
        known.addAll(AdminEndpoint.OPTIONS);
        return Set.copyOf(known);
    }
}
