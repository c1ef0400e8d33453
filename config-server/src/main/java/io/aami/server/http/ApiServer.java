package io.aami.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.server.config.ServerConfig;
import io.javalin.Javalin;
import io.aami.server.metrics.ServerMetrics;
import io.aami.server.pki.ServerPki;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;

/** Builds the Javalin/Jetty server: JSON mapper, limits, access filter, error mapping, routes. */
public final class ApiServer {
    private ApiServer() {
    }

    private static final String STARTED = "aami.started_ns";

    public static Javalin create(ServerConfig cfg, ServerPki pki, ObjectMapper mapper, Routes routes, AccessFilter access,
                                 ErrorMapper errors, ServerMetrics metrics) {
        boolean virtualThreads = Runtime.version().feature() >= 21;
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = virtualThreads;
            config.jsonMapper(new JavalinJackson(mapper, virtualThreads));
            config.http.maxRequestSize = cfg.http().maxBodyBytes();
            config.http.generateEtags = false;
            config.http.defaultContentType = "application/json";
            config.router.ignoreTrailingSlashes = true;
            config.jetty.addConnector((server, http) -> Connectors.create(server, http, cfg, pki));
            // Long polls wait up to policy.max_wait; no response may be cut short before that.
            config.http.asyncTimeout = cfg.policy().maxWait().plusSeconds(30).toMillis();
            config.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                RequestIds.assign(ctx);
            });
            config.routes.after(ctx -> observe(ctx, metrics));
            config.routes.beforeMatched(access::check);
            errors.register(config.routes);
            routes.register(config.routes);
        });
    }

    private static void observe(Context ctx, ServerMetrics metrics) {
        Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null ? "unmatched" : endpoint.path;
        metrics.httpDuration.labelValues(ctx.method().name(), route, Integer.toString(ctx.statusCode()))
                .observe((System.nanoTime() - started) / 1e9);
    }
}
