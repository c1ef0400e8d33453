package io.aami.agent.feature;

import io.aami.agent.api.LocalApi;
import io.aami.agent.api.LocalApiMetrics;
import io.aami.agent.api.StatusRoutes;
import io.aami.agent.api.LocalApi.Endpoint;
import io.aami.common.concurrent.DaemonThreads;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The local API ({@code api.*}): {@code /healthz} and {@code /metrics}, then every route the features
 * contributed. Tells the heartbeat where it listens. Lives here rather than in {@code api}, which every feature with routes depends on.
 */
public final class LocalApiFeature {
    private static final int THREADS = 16;

    private LocalApiFeature() {
    }

    /** Install last: it serves the routes contributed so far, and is registered to close first. */
    public static void install(AgentContext ctx) {
        if (!ctx.cfg().api().enabled()) {
            return;
        }
        Map<String, Endpoint> routes = new LinkedHashMap<>(new StatusRoutes(ctx.metrics(), ctx.credentials(), ctx.agentId()).routes());
        routes.putAll(ctx.out().routes());
        LocalApi api = ctx.out().closeable(LocalApi.start(ctx.cfg().api(), ctx.mapper(), routes,
                Executors.newFixedThreadPool(THREADS, DaemonThreads.factory("aami-api")), new LocalApiMetrics(ctx.metrics().registry())));
        // As bound (port 0 picks one; an IP literal in canonical form); the server decides whether a Prometheus
        // elsewhere can reach it.
        ctx.out().localApi(api.address());
    }
}
