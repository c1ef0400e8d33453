package io.aami.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.server.config.ServerConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the Javalin/Jetty server: JSON mapper, limits, access filter, error mapping, routes.
 * Exports, by route template (not raw path):
 * <ul>
 *   <li>{@code aami_http_request_duration_seconds{method,route,status}}: every request except long polls that waited</li>
 *   <li>{@code aami_http_long_poll_duration_seconds{method,route,status}}: requests a handler parked on purpose
 *       ({@link LongPolls}), whose duration is the wait, not the server's latency</li>
 * </ul>
 */
public final class ApiServer {
    private ApiServer() {
    }

    private static final String STARTED = "aami.started_ns";
    /**
     * Platform worker threads (Java 17). {@code http.max_unauthenticated_in_flight} may take at most
     * half of them ({@link io.aami.server.config.ServerConfigLoader#MAX_UNAUTHENTICATED}), so agents and
     * admins always keep the other half however many anonymous clients hold requests open.
     */
    public static final int WORKER_THREADS = 250;
    /** Javalin's copy buffer per response: most answers fit in one copy, larger ones take several. */
    static final int RESULT_COPY_BUFFER = 4 * 1024;

    /** @param tls the server's certificate and CA, or null to listen in plain HTTP */
    public static Javalin create(ServerConfig cfg, TlsMaterial tls, ObjectMapper mapper, RouteTable routes, AccessFilter access,
                                 ErrorMapper errors, PrometheusRegistry registry) {
        Histogram durations = Histogram.builder().name("aami_http_request_duration_seconds")
                .help("HTTP request duration by route template").labelNames("method", "route", "status")
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .classicOnly().register(registry);
        Histogram longPolls = Histogram.builder().name("aami_http_long_poll_duration_seconds")
                .help("Duration of long polls that waited for a change, by route template").labelNames("method", "route", "status")
                .classicUpperBounds(0.1, 0.5, 1, 5, 10, 20, 30, 45, 60, 120, 300)
                .classicOnly().register(registry);
        boolean virtualThreads = Runtime.version().feature() >= 21;
        TrustedProxies proxies = new TrustedProxies(cfg.http().trustedProxies());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = virtualThreads;
            if (!virtualThreads) {
                config.jetty.threadPool = new QueuedThreadPool(WORKER_THREADS, 8, 60_000);
            }
            // Requests Jetty refuses before any route (bad request line, header, URI) get the JSON error body too.
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages(mapper)));
            config.jsonMapper(new JavalinJackson(mapper, virtualThreads));
            config.http.maxRequestSize = cfg.http().maxBodyBytes();
            config.http.generateEtags = false;
            config.http.defaultContentType = "application/json";
            // Javalin copies each result into Jetty's output through a buffer of this size, allocated per response;
            // left unset it is Jetty's 32 KiB output buffer, 32 KiB of garbage for a 100-byte heartbeat answer (a
            // third of the policy fan-out's CPU per answer, async-profiler). Jetty still aggregates in its own buffer.
            config.http.responseBufferSize = RESULT_COPY_BUFFER;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.addConnector((server, http) -> Connectors.create(server, http, cfg, tls, registry));
            // Long polls wait up to policy.max_wait; no response may be cut short before that.
            config.http.asyncTimeout = cfg.policy().maxWait().plusSeconds(30).toMillis();
            config.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                RequestIds.assign(ctx);
                // First: everything after (limits, audit, cookies, HSTS) reads the client's address and scheme from it.
                RequestOrigin.set(ctx, proxies.resolve(ctx));
                ConsolePages.secure(ctx);
            });
            config.routes.after(ctx -> {
                access.release(ctx);
                observe(ctx, LongPolls.marked(ctx) ? longPolls : durations);
            });
            config.routes.beforeMatched(access::check);
            errors.register(config.routes);
            routes.register(config.routes);
        });
    }

    private static void observe(Context ctx, Histogram durations) {
        Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null ? "unmatched" : endpoint.path;
        durations.labelValues(ctx.method().name(), route, Integer.toString(ctx.statusCode()))
                .observe((System.nanoTime() - started) / 1e9);
    }
}
