package io.aami.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes of one feature, declared once against its handler type: each is a method, a path, the
 * handler method serving it (an unbound method reference such as {@code GroupHandler::create}) and its
 * {@link Access} role. Declared without a handler instance, so the route table can be listed (the
 * {@code routes} command) without starting anything; {@link RouteTable} binds it to the handler.
 *
 * @param <H> the handler type serving these routes
 */
public final class RouteSet<H> {
    /** A handler method, called with the handler it is bound to. */
    @FunctionalInterface
    public interface Action<H> {
        void handle(H handler, Context ctx) throws Exception;
    }

    private record Entry<H>(RouteTable.Route route, Action<H> action) {
    }

    private final List<Entry<H>> entries;

    private RouteSet(List<Entry<H>> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Starts the declaration of the routes {@code handlerType} serves. */
    public static <H> Builder<H> of(Class<H> handlerType) {
        return new Builder<>();
    }

    /** The declared routes: method, path, role, in declaration order. */
    public List<RouteTable.Route> routes() {
        return entries.stream().map(Entry::route).toList();
    }

    /** Serves {@code route}, one of this set's, with {@code handler}. */
    void register(H handler, RouteTable.Route route, RoutesConfig config) {
        Action<H> action = entries.stream().filter(e -> e.route() == route).findFirst().orElseThrow().action();
        config.addHttpHandler(HandlerType.findOrCreate(route.method()), route.path(), ctx -> action.handle(handler, ctx), route.access());
    }

    /** Collects a feature's routes; {@link #build} freezes them. */
    public static final class Builder<H> {
        private final List<Entry<H>> entries = new ArrayList<>();

        private Builder() {
        }

        public Builder<H> get(String path, Action<H> action, Access access) {
            return add("GET", path, action, access);
        }

        public Builder<H> post(String path, Action<H> action, Access access) {
            return add("POST", path, action, access);
        }

        public Builder<H> put(String path, Action<H> action, Access access) {
            return add("PUT", path, action, access);
        }

        public Builder<H> delete(String path, Action<H> action, Access access) {
            return add("DELETE", path, action, access);
        }

        public RouteSet<H> build() {
            return new RouteSet<>(entries);
        }

        private Builder<H> add(String method, String path, Action<H> action, Access access) {
            entries.add(new Entry<>(new RouteTable.Route(method, path, access), action));
            return this;
        }
    }
}
