package io.aami.agent.transport;

import io.aami.agent.config.AgentConfig;
import io.aami.common.concurrent.DaemonThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP clients the agent reaches the server with, and the one small executor they share (issue 14:
 * each JDK client otherwise brings a cached pool of its own, whose threads linger a minute after every
 * burst). Every call of the agent is synchronous on its loop's thread; the executor only completes
 * responses and body subscriptions, which never block.
 */
public final class HttpClients {
    /** Threads of {@link #executor()}: a response is handed on in microseconds; two keep one slow handoff from stalling another. */
    static final int EXECUTOR_THREADS = 2;
    private static final Duration EXECUTOR_IDLE = Duration.ofSeconds(10);

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

    /**
     * The executor every client of the agent shares ({@code aami-http-N}): at most {@link #EXECUTOR_THREADS}
     * threads, none while idle. The owner shuts it down after the clients' last call.
     */
    public static ExecutorService executor() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(EXECUTOR_THREADS, EXECUTOR_THREADS, EXECUTOR_IDLE.toMillis(),
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), DaemonThreads.factory("aami-http"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Plain HTTP (TLS off: a TLS-terminating proxy, or the quick start); one client serves every call. */
    public static Set plain(AgentConfig cfg, ExecutorService executor) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(cfg.heartbeat().timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        Supplier<HttpClient> same = () -> http;
        return new Set(same, same, same, false);
    }

    /** The default per-request timeout for short calls. */
    public static Duration requestTimeout(AgentConfig cfg) {
        return cfg.heartbeat().timeout();
    }
}
