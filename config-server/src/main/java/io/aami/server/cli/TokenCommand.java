package io.aami.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.config.Durations;
import io.aami.common.json.WireJson;
import io.aami.contract.ApiPaths;
import io.aami.contract.ErrorBody;
import io.aami.contract.tokens.BootstrapTokenRequest;
import io.aami.contract.tokens.BootstrapTokenView;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code aami-config-server token create}: asks a running server for a bootstrap token and prints
 * it, like {@code kubeadm token create}. Reads the admin token from {@code AAMI_ADMIN_TOKEN} or the
 * data directory, and waits (up to {@code --wait}) for the server to come up.
 */
public final class TokenCommand {
    private static final String USAGE = "usage: token create [--name NAME] [--group-id UUID] [--max-uses N] [--ttl 24h]"
            + " [--server https://127.0.0.1:8443] [--ca-cert <data dir>/pki/ca.crt] [--data-dir ./data] [--wait 60s]";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public TokenCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Returns the process exit code. */
    public int run(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("create")) {
            err.println(USAGE);
            return 2;
        }
        try {
            Map<String, String> opts = options(args.subList(1, args.size()));
            Path dataDir = Path.of(opts.getOrDefault("data-dir", env.getOrDefault("AAMI_DATA_DIR", "./data")));
            boolean tls = !"off".equalsIgnoreCase(env.getOrDefault("AAMI_TLS", "on"));
            String server = opts.getOrDefault("server", (tls ? "https://" : "http://")
                    + loopback(env.getOrDefault("AAMI_LISTEN", "127.0.0.1:8443")));
            Path caCert = Path.of(opts.getOrDefault("ca-cert", dataDir.resolve("pki/ca.crt").toString()));
            String admin = adminToken(dataDir);
            BootstrapTokenRequest req = new BootstrapTokenRequest(opts.getOrDefault("name", "cli"),
                    opts.containsKey("group-id") ? UUID.fromString(opts.get("group-id")) : null,
                    Integer.parseInt(opts.getOrDefault("max-uses", "1")),
                    Durations.parse(opts.getOrDefault("ttl", "24h")).toSeconds(), null, null, null);
            BootstrapTokenView token = create(server, admin, req, Durations.parse(opts.getOrDefault("wait", "60s")), caCert);
            out.println(token.token());
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("token create: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private BootstrapTokenView create(String server, String admin, BootstrapTokenRequest req, Duration wait, Path caCert)
            throws IOException, InterruptedException {
        ObjectMapper mapper = WireJson.mapper();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        Instant deadline = Instant.now().plus(wait);
        if (server.startsWith("https://")) {
            // The CA appears when the server first starts; wait for it like for the server itself.
            while (!Files.exists(caCert) && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
            }
            builder.sslContext(trusting(caCert));
        }
        HttpClient http = builder.build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + ApiPaths.BOOTSTRAP_TOKENS))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(req))).build();
        while (true) {
            try {
                HttpResponse<byte[]> resp = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (resp.statusCode() == 201) {
                    return mapper.readValue(resp.body(), BootstrapTokenView.class);
                }
                if (resp.statusCode() != 503) {
                    ErrorBody e = mapper.readValue(resp.body(), ErrorBody.class);
                    throw new IOException("server answered " + resp.statusCode() + ": " + e.error());
                }
            } catch (java.net.ConnectException | javax.net.ssl.SSLException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("no config-server answers at " + server);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("config-server at " + server + " did not become ready");
            }
            Thread.sleep(500);
        }
    }

    /** Trusts exactly the server's CA (never the system store). */
    private static javax.net.ssl.SSLContext trusting(Path caCert) throws IOException {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", io.aami.common.pki.Pem.readCertificate(caCert));
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException | io.aami.common.pki.PkiException e) {
            throw new IOException("cannot trust the CA in " + caCert + ": " + e.getMessage(), e);
        }
    }

    private String adminToken(Path dataDir) throws IOException {
        String fromEnv = env.get("AAMI_ADMIN_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        Path file = dataDir.resolve("admin-token");
        for (int i = 0; i < 120 && !Files.exists(file); i++) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!Files.exists(file)) {
            throw new IOException("no admin token: set AAMI_ADMIN_TOKEN or point --data-dir at the server's data directory");
        }
        return Files.readString(file).trim();
    }

    /** {@code 0.0.0.0:8443} and {@code [::]:8443} are reached on loopback. */
    private static String loopback(String listen) {
        return listen.replace("0.0.0.0:", "127.0.0.1:").replace("[::]:", "127.0.0.1:");
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("unexpected '" + a + "'; " + USAGE);
            }
            opts.put(a.substring(2), args.get(++i));
        }
        return opts;
    }
}
