package io.aami.bench;

import io.aami.bench.Stats.Endpoint;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The fleet's one HTTP client: a single Jetty {@link HttpClient} (one selector thread, one small
 * executor, one buffer pool) for every simulated agent. Requests carry their agent's tag, so each
 * agent gets its own connections (at most {@link #CONNECTIONS_PER_AGENT}: its long poll and the rest),
 * as a real agent has; with TLS the connection presents that agent's certificate
 * ({@link PerAgentSslContextFactory}). Every answer is timed into {@link Stats}.
 */
final class FleetHttp implements AutoCloseable {
    static final int CONNECTIONS_PER_AGENT = 2;
    private static final int MAX_BODY = 4 << 20;

    /** An answer: {@code status} 0 when none came ({@code failure} says why); {@code retryAfterSeconds} -1 when absent. */
    record Answer(int status, byte[] body, long retryAfterSeconds, Throwable failure) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    interface Callback {
        void done(Answer answer);
    }

    private final java.util.List<URI> bases;
    private final HttpClient client;
    private final Stats stats;
    private final Handshakes handshakes = new Handshakes();

    /** @param ssl null for plain HTTP */
    FleetHttp(URI base, PerAgentSslContextFactory ssl, Stats stats) {
        this(java.util.List.of(base), null, ssl, stats);
    }

    /**
     * @param bases the server's replicas: each agent (each tag) talks to one, chosen by its tag's hash
     * @param bind  the local address to connect from (null: the system's choice); a simulator child
     *              gets its own loopback address, so its connections have a source-port range of their own
     */
    FleetHttp(java.util.List<URI> bases, java.net.InetAddress bind, PerAgentSslContextFactory ssl, Stats stats) {
        this.bases = java.util.List.copyOf(bases);
        this.stats = stats;
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        if (bind != null) {
            connector.setBindAddress(new java.net.InetSocketAddress(bind, 0));
        }
        if (ssl != null) {
            connector.setSslContextFactory(ssl);
        }
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("bench-http");
        pool.setDaemon(true);
        client = new ManyDestinationsClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setScheduler(new ScheduledExecutorScheduler("bench-http-scheduler", true));
        client.setMaxConnectionsPerDestination(CONNECTIONS_PER_AGENT);
        client.setMaxRequestsQueuedPerDestination(64);
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(180_000);
        client.setFollowRedirects(false);
        client.setUserAgentField(new org.eclipse.jetty.http.HttpField(HttpHeader.USER_AGENT, "aami-bench"));
        // Jetty hands every TLS connection's handshake to the client's SslHandshakeListener beans.
        client.addBean(handshakes);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
        }
        // Like the real agent (the JDK's client asks for no encoding): Jetty's client would otherwise send
        // Accept-Encoding: gzip, and the server would gzip every answer above 1.5 kB, a policy bundle in
        // particular (a quarter of the server's time per answered long poll), and this client gunzip it.
        client.getContentDecoderFactories().clear();
    }

    /**
     * Sends one request on {@code tag}'s connections and calls back on an HTTP thread. A held long
     * poll ({@link Endpoint#POLICY_FETCH} answered 304) is counted as {@link Endpoint#POLICY_WAIT}.
     */
    void send(Object tag, Endpoint endpoint, String method, String path, byte[] json, String bearer, String ifNoneMatch,
              Duration timeout, Callback callback) {
        URI base = bases.get(Math.floorMod(tag.hashCode(), bases.size()));
        Request req = client.newRequest(base.resolve(path)).method(method).tag(tag)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "application/json");
                    if (bearer != null) {
                        h.put(HttpHeader.AUTHORIZATION, "Bearer " + bearer);
                    }
                    if (ifNoneMatch != null) {
                        h.put(HttpHeader.IF_NONE_MATCH, ifNoneMatch);
                    }
                });
        if (json != null) {
            req.body(new BytesRequestContent("application/json", json));
        }
        long start = System.nanoTime();
        req.send(new BufferingResponseListener(MAX_BODY) {
            @Override
            public void onComplete(Result result) {
                long nanos = System.nanoTime() - start;
                int status = result.isFailed() ? 0 : result.getResponse().getStatus();
                Endpoint counted = endpoint == Endpoint.POLICY_FETCH && status == 304 ? Endpoint.POLICY_WAIT : endpoint;
                stats.record(counted, status, nanos);
                long retryAfter = status == 0 ? -1 : retryAfter(result.getResponse().getHeaders().get(HttpHeader.RETRY_AFTER));
                callback.done(new Answer(status, status == 0 ? new byte[0] : getContent(), retryAfter, result.getFailure()));
            }
        });
    }

    /**
     * Keeps an idle connection at least {@code idle} (never below the default 180 s): a long poll held longer than
     * that (the server's {@code policy.max_wait} raised) must not be cut by its own client. Before the first request.
     */
    FleetHttp keepIdle(Duration idle) {
        client.setIdleTimeout(Math.max(client.getIdleTimeout(), idle.toMillis()));
        return this;
    }

    /** TLS handshakes so far (none without TLS). */
    Handshakes.Counts handshakes() {
        return handshakes.counts();
    }

    /** See {@link Handshakes#mark()}. */
    void markHandshakes() {
        handshakes.mark();
    }

    private static long retryAfter(String header) {
        if (header == null || header.isBlank() || header.length() > 9 || !header.trim().chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(header.trim());
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping: nothing left to report to
        }
    }
}
