package io.aami.server.heartbeat;

import static io.aami.contract.ApiPaths.HEARTBEAT;
import static io.aami.server.http.Access.AGENT;

import io.aami.server.config.ServerConfig;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;

/**
 * Heartbeats: accepted into a write-behind flushed every {@code heartbeat.flush_interval}, and the
 * liveness sweep that marks silent agents offline. Depends on no other feature.
 */
public final class HeartbeatFeature {
    public static final RouteSet<HeartbeatHandler> ROUTES = RouteSet.of(HeartbeatHandler.class)
            .post(HEARTBEAT, HeartbeatHandler::heartbeat, AGENT)
            .build();

    private final HeartbeatWriter writer;
    private final LivenessSweeper sweeper;

    public HeartbeatFeature(ServerContext ctx) {
        ServerConfig.Heartbeat cfg = ctx.config().heartbeat();
        writer = HeartbeatWriter.create(ctx.db());
        writer.start(ctx.scheduler(), cfg.flushInterval());
        ctx.resources().opened(writer);
        sweeper = new LivenessSweeper(ctx.db(), ctx.clock());
        sweeper.start(ctx.duties(), cfg.sweepInterval());
        ctx.resources().opened(sweeper);
        ctx.routes().bind(ROUTES, new HeartbeatHandler(new HeartbeatService(writer, cfg, ctx.registry(), ctx.clock()), ctx.bodies()));
    }

    /** Runs a liveness sweep now; returns the agents marked offline. */
    public int sweepNow() {
        return sweeper.sweep();
    }

    /** Writes pending heartbeats now. */
    public void flush() {
        writer.flush();
    }
}
