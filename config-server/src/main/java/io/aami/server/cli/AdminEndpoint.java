package io.aami.server.cli;

import io.aami.server.config.ServerConfig;
import io.aami.server.pki.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * A running server's admin API as an operator command finds it, the way the server finds itself
 * ({@link ServerSetup}): its admin token ({@code admin_token}, {@code AAMI_ADMIN_TOKEN}, else
 * {@code <data dir>/admin-token}), its address ({@code listen}, on loopback; or {@code --server}) and its CA
 * ({@code --ca-cert}, {@code tls.ca_cert}, else {@code <data dir>/pki/ca.crt}). With {@code --wait}, a missing
 * token or CA file is waited for until the deadline (a script that has just started the server).
 *
 * @param server     the server's base URL
 * @param caCert     the CA to trust for an {@code https} server, else null
 * @param adminToken the break-glass admin token
 */
record AdminEndpoint(URI server, Path caCert, String adminToken) {
    static final java.util.List<String> OPTIONS = java.util.List.of("server", "ca-cert", "wait");
    static final String USAGE = "[--server https://HOST:PORT (http:// only to loopback)] [--ca-cert FILE] [--wait 2s]";
    private static final long FILE_POLL_MS = 250;

    /** @param waitUntil how long to wait for the admin token and CA files to appear; null: not at all */
    static AdminEndpoint find(CommandOptions opts, ServerSetup setup, Clock clock, Instant waitUntil)
            throws CommandFailure, InterruptedException {
        ServerConfig cfg = setup.config();
        String admin = cfg.adminToken() != null ? cfg.adminToken() : adminTokenFile(setup, clock, waitUntil);
        URI server = serverUri(opts.get("server", defaultServer(cfg)));
        if (opts.has("server") && "http".equals(server.getScheme()) && !loopback(server.getHost())) {
            throw new CommandFailure("--server " + server + " is plain HTTP to another host: the admin token would cross the"
                    + " network in clear. Use https:// (the server's TLS, or the proxy in front of it), or run the command on"
                    + " the server's host against http://127.0.0.1:PORT");
        }
        Path caCert = null;
        if ("https".equals(server.getScheme())) {
            caCert = opts.has("ca-cert") ? Path.of(opts.get("ca-cert", null)) : cfg.tls().caCert() != null ? cfg.tls().caCert()
                    : cfg.pkiDir().resolve(CertificateAuthority.CERT_FILE);
            if (!appears(caCert, clock, waitUntil)) {
                throw new CommandFailure("no CA certificate at " + caCert + " to trust " + server + " with. "
                        + setup.whereFrom() + " " + capitalized(ServerSetup.HINT) + ", or --ca-cert FILE.");
            }
        }
        return new AdminEndpoint(server, caCert, admin);
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

    /** Whether {@code host} is {@code localhost} or a loopback address literal (a name is never resolved for this). */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** {@code <data dir>/admin-token}, which the server writes on its first start when no token is configured. */
    private static String adminTokenFile(ServerSetup setup, Clock clock, Instant waitUntil) throws CommandFailure, InterruptedException {
        Path file = setup.config().adminTokenFile();
        if (!appears(file, clock, waitUntil)) {
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
    private static boolean appears(Path file, Clock clock, Instant waitUntil) throws InterruptedException {
        while (!Files.exists(file) && waitUntil != null && clock.instant().isBefore(waitUntil)) {
            Thread.sleep(FILE_POLL_MS);
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

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
