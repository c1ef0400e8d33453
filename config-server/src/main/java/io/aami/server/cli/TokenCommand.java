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
            + " [--server http://127.0.0.1:8443] [--data-dir ./data] [--wait 60s]";

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
            String server = opts.getOrDefault("server", "http://" + loopback(env.getOrDefault("AAMI_LISTEN", "127.0.0.1:8443")));
            String admin = adminToken(Path.of(opts.getOrDefault("data-dir", env.getOrDefault("AAMI_DATA_DIR", "./data"))));
            BootstrapTokenRequest req = new BootstrapTokenRequest(opts.getOrDefault("name", "cli"),
                    opts.containsKey("group-id") ? UUID.fromString(opts.get("group-id")) : null,
                    Integer.parseInt(opts.getOrDefault("max-uses", "1")),
                    Durations.parse(opts.getOrDefault("ttl", "24h")).toSeconds(), null, null, null);
            BootstrapTokenView token = create(server, admin, req, Durations.parse(opts.getOrDefault("wait", "60s")));
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

    private BootstrapTokenView create(String server, String admin, BootstrapTokenRequest req, Duration wait)
            throws IOException, InterruptedException {
        ObjectMapper mapper = WireJson.mapper();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + ApiPaths.BOOTSTRAP_TOKENS))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(req))).build();
        Instant deadline = Instant.now().plus(wait);
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
            } catch (java.net.ConnectException e) {
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
