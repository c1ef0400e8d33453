package io.aami.agent.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.identity.AgentCredentials;
import io.aami.contract.ApiPaths;
import io.aami.contract.discovery.DiscoveryReportBatch;
import io.aami.contract.ErrorBody;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.contract.registration.RegisterResponse;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ProbeReportBatch;
import io.aami.contract.results.ResultAck;
import java.util.Optional;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link ServerTransport} over HTTP/1.1 with keep-alive, JSON bodies and the shared wire DTOs. */
public final class RestTransport implements ServerTransport {
    private final URI base;
    private final HttpClients.Set clients;
    private final ObjectMapper mapper;
    private final Duration timeout;

    public RestTransport(URI base, HttpClients.Set clients, ObjectMapper mapper, Duration timeout) {
        this.base = base;
        this.clients = clients;
        this.mapper = mapper;
        this.timeout = timeout;
    }

    @Override
    public RegisterResponse register(RegisterRequest request, String currentAgentToken) {
        return decode(exchange(clients.enroll().get(), "POST", ApiPaths.REGISTER, request, currentAgentToken, timeout, null),
                ApiPaths.REGISTER, RegisterResponse.class);
    }

    @Override
    public CertificateResponse renewCertificate(AgentCredentials credentials, CertificateRequest request) {
        return send("POST", ApiPaths.withId(ApiPaths.CERTIFICATE, credentials.agentId()), request, null,
                CertificateResponse.class);
    }

    @Override
    public String fetchCaCertificate() {
        HttpResponse<byte[]> response = exchange(clients.pinned().get(), "GET", ApiPaths.CA, null, null, timeout, null);
        if (response.statusCode() != 200) {
            throw failure(response);
        }
        return new String(response.body(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public PolicyKeyInfo fetchPolicyKey() {
        return send("GET", ApiPaths.POLICY_KEY, null, null, PolicyKeyInfo.class);
    }

    @Override
    public HeartbeatResponse heartbeat(AgentCredentials credentials, HeartbeatRequest request) {
        return send("POST", ApiPaths.withId(ApiPaths.HEARTBEAT, credentials.agentId()), request, bearer(credentials),
                HeartbeatResponse.class);
    }

    @Override
    public Optional<PolicyBundle> fetchPolicy(AgentCredentials credentials, long knownVersion, Duration wait) {
        String path = ApiPaths.withId(ApiPaths.POLICY, credentials.agentId()) + "?wait=" + wait.toSeconds() + "s";
        // The server may hold the request for the whole wait; allow for it plus a normal round trip.
        HttpResponse<byte[]> response = exchange(clients.agent().get(), "GET", path, null, bearer(credentials), timeout.plus(wait),
                knownVersion < 0 ? null : "\"" + knownVersion + "\"");
        if (response.statusCode() == 304) {
            return Optional.empty();
        }
        return Optional.of(decode(response, path, PolicyBundle.class));
    }

    @Override
    public ResultAck sendCheckResults(AgentCredentials credentials, CheckResultBatch batch) {
        return send("POST", ApiPaths.withId(ApiPaths.CHECK_RESULTS, credentials.agentId()), batch, bearer(credentials),
                ResultAck.class);
    }

    @Override
    public ResultAck sendProbeResults(AgentCredentials credentials, ProbeReportBatch batch) {
        return send("POST", ApiPaths.withId(ApiPaths.PROBE_RESULTS, credentials.agentId()), batch, bearer(credentials),
                ResultAck.class);
    }

    @Override
    public ResultAck sendDiscovery(AgentCredentials credentials, DiscoveryReportBatch batch) {
        return send("POST", ApiPaths.withId(ApiPaths.DISCOVERY_REPORTS, credentials.agentId()), batch, bearer(credentials),
                ResultAck.class);
    }

    private <T> T send(String method, String path, Object body, String bearer, Class<T> type) {
        return decode(exchange(clients.agent().get(), method, path, body, bearer, timeout, null), path, type);
    }

    /** Without TLS the agent token is the credential; with TLS the client certificate is, and no token is sent. */
    private String bearer(AgentCredentials credentials) {
        return clients.mutualTls() ? null : credentials.agentToken();
    }

    private <T> T decode(HttpResponse<byte[]> response, String path, Class<T> type) {
        if (response.statusCode() / 100 != 2) {
            throw failure(response);
        }
        try {
            return mapper.readValue(response.body(), type);
        } catch (IOException e) {
            throw new TransportException(response.statusCode(), "BAD_RESPONSE",
                    "unreadable answer from " + path + ": " + e.getMessage(), null, e);
        }
    }

    HttpResponse<byte[]> exchange(HttpClient http, String method, String path, Object body, String bearer,
                                  Duration requestTimeout, String ifNoneMatch) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout)
                    .header("Accept", "application/json");
            if (ifNoneMatch != null) {
                b.header("If-None-Match", ifNoneMatch);
            }
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            if (body != null) {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            if (TransportException.untrustedServer(e)) {
                throw new TransportException(0, TransportException.UNTRUSTED_SERVER, "refused " + base + ": its certificate "
                        + "is not one the agent trusts (another CA than the pinned one, not for this name, or an agent's): " + describe(e), null, e);
            }
            throw TransportException.unreachable("no answer from " + base + path + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TransportException.unreachable("interrupted while calling " + path, e);
        }
    }

    private TransportException failure(HttpResponse<byte[]> response) {
        String code = "HTTP_" + response.statusCode();
        String message = "server answered " + response.statusCode();
        try {
            ErrorBody err = mapper.readValue(response.body(), ErrorBody.class);
            if (err.code() != null) {
                code = err.code();
            }
            if (err.error() != null) {
                message = message + ": " + err.error();
            }
        } catch (IOException | RuntimeException e) {
            // not our JSON (a proxy's page); the status says enough
        }
        Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(RestTransport::seconds).orElse(null);
        return new TransportException(response.statusCode(), code, message, retryAfter, null);
    }

    /** Delay-seconds only (RFC 9110): a negative or non-numeric value is ignored, never a reason to retry at once. */
    private static java.util.Optional<Duration> seconds(String header) {
        String digits = header.trim();
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(digits)));
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }
}
