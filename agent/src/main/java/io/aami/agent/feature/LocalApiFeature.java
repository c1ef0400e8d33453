package io.aami.agent.feature;

import io.aami.agent.api.LocalApi;
import io.aami.agent.api.LocalApiMetrics;
import io.aami.agent.api.StatusRoutes;
import io.aami.agent.api.LocalApi.Endpoint;
import io.aami.common.concurrent.DaemonThreads;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The local API ({@code api.*}): {@code /healthz} and {@code /metrics}, then every route the features
 * contributed. Tells the heartbeat where it listens. Lives here rather than in {@code api}, which every feature with routes depends on.
 */
public final class LocalApiFeature {
    private static final int THREADS = 16;
    /** An idle API thread ends after this: a scrape every 15 s then needs one thread, not sixteen kept for good. */
    private static final long IDLE_MILLIS = 5_000;

    private LocalApiFeature() {
    }

    /**
     * Up to {@link #THREADS} requests at once (a probe route waits on its probe), queued beyond that; the
     * threads come and go with the requests (issue 14: a fixed pool kept all 16 after the 16th scrape).
     */
    static ThreadPoolExecutor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, IDLE_MILLIS, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.factory("aami-api"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Install last: it serves the routes contributed so far, and is registered to close first. */
    public static void install(AgentContext ctx) {
        if (!ctx.cfg().api().enabled()) {
            return;
        }
        Map<String, Endpoint> routes = new LinkedHashMap<>(new StatusRoutes(ctx.metrics(), ctx.credentials(), ctx.agentId()).routes());
        routes.putAll(ctx.out().routes());
        LocalApi api = ctx.out().closeable(LocalApi.start(ctx.cfg().api(), ctx.mapper(), routes,
                pool(), new LocalApiMetrics(ctx.metrics().registry())));
        // As bound (port 0 picks one; an IP literal in canonical form); the server decides whether a Prometheus
        // elsewhere can reach it.
        ctx.out().localApi(api.address());
    }
}
