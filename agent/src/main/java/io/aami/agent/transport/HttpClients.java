package io.aami.agent.transport;

import io.aami.agent.config.AgentConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Supplier;

/** The HTTP clients the agent reaches the server with. */
public final class HttpClients {
    /**
     * {@code agent}: every agent call (presents the client certificate with TLS); {@code enroll}:
     * enrollment (no certificate, so an expired one cannot break it); {@code pinned}: the one CA fetch
     * before the CA is trusted. Suppliers, because with TLS the clients exist only once the CA is known.
     */
    public record Set(Supplier<HttpClient> agent, Supplier<HttpClient> enroll, Supplier<HttpClient> pinned,
                      boolean mutualTls) {
    }

    private HttpClients() {
    }

    public static URI baseUri(AgentConfig.Server server) {
        return URI.create((server.tls().enabled() ? "https://" : "http://") + server.address());
    }

    /** Plain HTTP (TLS off: a TLS-terminating proxy, or the quick start); one client serves every call. */
    public static Set plain(AgentConfig cfg) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(cfg.heartbeat().timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        Supplier<HttpClient> same = () -> http;
        return new Set(same, same, same, false);
    }

    /** The default per-request timeout for short calls. */
    public static Duration requestTimeout(AgentConfig cfg) {
        return cfg.heartbeat().timeout();
    }
}
