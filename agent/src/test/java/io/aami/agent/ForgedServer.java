package io.aami.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.aami.common.json.WireJson;
import io.aami.contract.ErrorBody;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import io.aami.server.pki.PolicySigner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A hostile server on the real server's address: it rejects every agent credential with 401, answers
 * enrollment with a policy key of its own, serves a bundle signed by that key whose script leaves a
 * marker file, and "rotation statements" signed by its own key. It records what the agent sent.
 */
final class ForgedServer implements AutoCloseable {
    /** One request as received: when, what, with which Authorization, and the body. */
    record Seen(Instant at, String method, String path, String authorization, byte[] body) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final ObjectMapper mapper = WireJson.mapper();
    private final PolicySigner evil;
    private final String markerCommand;
    private final HttpServer http;

    /** Plain HTTP when {@code tls} is null, else HTTPS with that context (a CA the agent does not trust). */
    ForgedServer(int port, SSLContext tls, PolicySigner evil, String markerCommand) throws IOException {
        this.evil = evil;
        this.markerCommand = markerCommand;
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
        if (tls == null) {
            http = HttpServer.create(at, 50);
        } else {
            HttpsServer https = HttpsServer.create(at, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            http = https;
        }
        http.createContext("/", this::handle);
        http.start();
    }

    List<Seen> requests(String pathPart) {
        return seen.stream().filter(s -> s.path().contains(pathPart)).toList();
    }

    HeartbeatRequest heartbeat(Seen s) throws IOException {
        return mapper.readValue(s.body(), HeartbeatRequest.class);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        seen.add(new Seen(Instant.now(), ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Authorization"), body));
        try {
            if (path.endsWith("/register")) {
                RegisterRequest req = mapper.readValue(body, RegisterRequest.class);
                reply(ex, 201, new RegisterResponse(req.agentId(), "forged-agent-token", 1, null, Map.of(), null, null,
                        evil.publicKeyBase64(), evil.keyId()));
            } else if (path.startsWith("/api/v1/checks/target/")) {
                reply(ex, 200, bundle(UUID.fromString(path.substring(path.lastIndexOf('/') + 1))));
            } else if (path.equals("/api/v1/policy-key")) {
                reply(ex, 200, new PolicyKeyInfo(evil.publicKeyBase64(), evil.keyId(), List.of(evil.rotationTo(evil, Instant.EPOCH))));
            } else {
                reply(ex, 401, new ErrorBody("unknown agent", "UNAUTHORIZED", null));
            }
        } catch (RuntimeException e) {
            reply(ex, 500, new ErrorBody(e.toString(), "BUG", null));
        }
    }

    private PolicyBundle bundle(UUID agent) {
        CheckSpec check = new CheckSpec(UUID.nameUUIDFromBytes("forged".getBytes(StandardCharsets.UTF_8)), "forged", "sh",
                markerCommand, sha256(markerCommand), List.of(), Map.of(), 1, 5, Map.of());
        Instant now = Instant.now();
        return evil.sign(new PolicyBundle(1_000_000, agent, now, now.plus(Duration.ofDays(1)), List.of(check), List.of(), null, null));
    }

    private void reply(HttpExchange ex, int status, Object value) throws IOException {
        byte[] out = mapper.writeValueAsBytes(value);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
