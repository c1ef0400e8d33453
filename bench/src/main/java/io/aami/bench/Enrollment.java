package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.bench.Stats.Endpoint;
import io.aami.common.pki.Pem;
import io.aami.contract.ApiPaths;
import io.aami.contract.registration.AgentTokenFormat;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Enrolls one simulated agent as the real one does: a fresh EC key and CSR (with TLS), an
 * {@code agent_token} it chose itself (only its SHA-256 is sent), the bootstrap token; then installs
 * the issued certificate as that agent's TLS identity. What the real agent retries (no answer, 408,
 * 429, 5xx) is retried with its {@code Retry-After} or a jittered backoff; any other is fatal. How
 * many enrollments are in flight at once adapts to the server's 429 and 503 ({@link EnrollWindow}).
 */
final class Enrollment {
    private static final int ATTEMPTS = 20;

    /**
     * An enrolled agent: its id, the agent token it chose (its credential without TLS) and, with TLS,
     * its key and certificate (else null).
     */
    record Enrolled(UUID id, String agentToken, KeyPair key, X509Certificate certificate) {
    }

    private final FleetHttp http;
    private final ObjectMapper mapper;
    private final AgentKeys keys;
    private final FleetTls tls;
    private final PerAgentSslContextFactory ssl;
    private final SecureRandom random;
    private final EnrollWindow window = new EnrollWindow(Fleet.ENROLL_CONCURRENCY);

    /** @param tls and {@code ssl} null without TLS */
    Enrollment(FleetHttp http, ObjectMapper mapper, FleetTls tls, PerAgentSslContextFactory ssl, SecureRandom random) {
        this.http = http;
        this.mapper = mapper;
        this.keys = new AgentKeys(random);
        this.tls = tls;
        this.ssl = ssl;
        this.random = random;
    }

    /** @param lane the connection tag to enroll on (enrollments share a few untagged-identity connections) */
    Enrolled enroll(String bootstrapToken, String hostname, Object lane) throws InterruptedException {
        UUID id = UUID.randomUUID();
        String agentToken = newAgentToken(random);
        KeyPair key = tls == null ? null : keys.generate();
        RegisterRequest req = new RegisterRequest(bootstrapToken, id, hostname, null, null, null, null,
                key == null ? null : keys.csrPem(key, id), Pem.sha256Hex(agentToken.getBytes(StandardCharsets.UTF_8)));
        byte[] body = json(req);
        for (int attempt = 1; ; attempt++) {
            window.acquire();
            FleetHttp.Answer a = call(lane, body);
            window.release(a.status());
            if (a.ok()) {
                RegisterResponse resp = decode(a.body());
                X509Certificate cert = key == null ? null : Pem.parseCertificate(resp.clientCertificate());
                Enrolled e = new Enrolled(resp.agentId(), resp.agentToken() != null ? resp.agentToken() : agentToken, key, cert);
                adopt(e);
                return e;
            }
            boolean retryable = a.status() == 0 || a.status() == 408 || a.status() == 429 || a.status() / 100 == 5;
            if (!retryable || attempt == ATTEMPTS) {
                throw new IllegalStateException("enrollment of " + hostname + " failed: " + (a.status() == 0
                        ? String.valueOf(a.failure()) : a.status() + " " + new String(a.body(), StandardCharsets.UTF_8)));
            }
            long wait = a.retryAfterSeconds() >= 0 ? a.retryAfterSeconds() * 1000
                    : ThreadLocalRandom.current().nextLong(200L << Math.min(attempt, 6));
            Thread.sleep(wait);
        }
    }

    /** Enrollments sent at once now (see {@link EnrollWindow}). */
    int window() {
        return window.size();
    }

    /** Makes an agent enrolled earlier ({@code --identities}) usable: with TLS, its identity joins the client's. */
    void adopt(Enrolled e) {
        if (ssl != null) {
            if (e.key() == null || e.certificate() == null) {
                throw new IllegalStateException("identity " + e.id() + " has no key and certificate, and this run uses TLS");
            }
            ssl.register(e.id(), tls.agent(e.key(), new X509Certificate[] {e.certificate()}));
        }
    }

    private FleetHttp.Answer call(Object lane, byte[] body) throws InterruptedException {
        CompletableFuture<FleetHttp.Answer> done = new CompletableFuture<>();
        http.send(lane, Endpoint.REGISTER, "POST", ApiPaths.REGISTER, body, null, null, Duration.ofSeconds(30), done::complete);
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A fresh {@code agent_token} in the real agent's format. */
    static String newAgentToken(SecureRandom random) {
        StringBuilder sb = new StringBuilder(AgentTokenFormat.PREFIX);
        for (int i = 0; i < AgentTokenFormat.RANDOM_CHARACTERS; i++) {
            sb.append(AgentTokenFormat.ALPHABET.charAt(random.nextInt(AgentTokenFormat.ALPHABET.length())));
        }
        return sb.toString();
    }

    private RegisterResponse decode(byte[] body) {
        try {
            return mapper.readValue(body, RegisterResponse.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable enrollment answer: " + e.getMessage(), e);
        }
    }

    private byte[] json(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
