package io.aami.server.feature;

import io.aami.server.http.RouteSet;
import io.aami.server.http.RouteTable;
import java.util.function.Function;

/**
 * The server's one list of features, walked in dependency order by {@code ServerMain}: adding a feature
 * is one {@link #add} line there. Building, each entry declares the feature's routes in the route table
 * and constructs the feature from the {@link ServerContext}. Listing (the {@code routes} command, which
 * starts nothing and needs no database) it only declares the routes: no factory runs and every feature
 * it hands back is null, which is safe because only the factories — never run — use them.
 */
public final class Features {
    private final ServerContext ctx;
    private final RouteTable table;

    private Features(ServerContext ctx, RouteTable table) {
        this.ctx = ctx;
        this.table = table;
    }

    /** Declares routes in {@code ctx.routes()} and constructs every feature. */
    public static Features building(ServerContext ctx) {
        return new Features(ctx, ctx.routes());
    }

    /** Only declares routes in {@code table}; constructs nothing. */
    public static Features listing(RouteTable table) {
        return new Features(null, table);
    }

    /** A feature serving {@code routes} (which its constructor binds to its handler). */
    public <F> F add(RouteSet<?> routes, Function<ServerContext, F> feature) {
        table.declare(routes);
        return add(feature);
    }

    /** A feature without routes of its own (it serves other features, or works in the background). */
    public <F> F add(Function<ServerContext, F> feature) {
        return ctx == null ? null : feature.apply(ctx);
    }
}
