package io.aami.server.http;

import io.javalin.config.RoutesConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every route of the server, with who may call it: the features' {@link RouteSet}s. Each feature binds its set to its handler; {@link #register} hands exactly the declared
 * table to Javalin and refuses a declared set no feature bound, or a binding of an undeclared set, so
 * the listed table ({@code routes} command) and the served one cannot differ. Javalin tries routes in
 * the order they were added, so they are added most specific first (fewest path parameters): a literal
 * path such as {@code /probes/matrix} wins over {@code /probes/{id}} whichever feature declared it first.
 */
public final class RouteTable {
    /** One route: an HTTP method, a path template and the one {@link Access} role it requires. */
    public record Route(String method, String path, Access access) {
    }

    private final List<RouteSet<?>> sets = new ArrayList<>();
    private final Map<RouteSet<?>, Object> handlers = new IdentityHashMap<>();

    public RouteTable(List<RouteSet<?>> sets) {
        sets.forEach(this::declare);
    }

    /** Adds {@code set} to the table; a feature then binds it. */
    public void declare(RouteSet<?> set) {
        if (sets.stream().anyMatch(s -> s == set)) {
            throw new IllegalStateException("routes declared twice: " + set.routes());
        }
        sets.add(set);
    }

    /** Serves {@code set}'s routes with {@code handler}; the set must be one this table lists. */
    public <H> void bind(RouteSet<H> set, H handler) {
        if (sets.stream().noneMatch(s -> s == set)) {
            throw new IllegalStateException("routes bound but not listed in the route table: " + set.routes());
        }
        if (handlers.put(set, handler) != null) {
            throw new IllegalStateException("routes bound twice: " + set.routes());
        }
    }

    private static final List<String> METHOD_ORDER = List.of("GET", "POST", "PUT", "DELETE");

    /** Every route, by path, then method (GET, POST, PUT, DELETE): the order the table is read in. */
    public List<Route> routes() {
        return sets.stream().flatMap(s -> s.routes().stream())
                .sorted(Comparator.comparing(Route::path).thenComparing(r -> METHOD_ORDER.indexOf(r.method()))).toList();
    }

    /** The table as text: one route a line, method, path and role in aligned columns. */
    public String format() {
        List<Route> routes = routes();
        int method = Math.max(6, routes.stream().mapToInt(r -> r.method().length()).max().orElse(0));
        int path = Math.max(4, routes.stream().mapToInt(r -> r.path().length()).max().orElse(0));
        String line = "%-" + method + "s  %-" + path + "s  %s%n";
        return String.format(line, "METHOD", "PATH", "ROLE")
                + routes.stream().map(r -> String.format(line, r.method(), r.path(), r.access())).collect(Collectors.joining());
    }

    void register(RoutesConfig config) {
        List<List<Route>> unbound = new ArrayList<>();
        for (RouteSet<?> set : sets) {
            if (!handlers.containsKey(set)) {
                unbound.add(set.routes());
            }
        }
        if (!unbound.isEmpty()) {
            throw new IllegalStateException("routes listed but served by no feature: " + unbound);
        }
        Comparator<Route> specificFirst = Comparator.comparingLong(r -> r.path().chars().filter(c -> c == '{').count());
        sets.stream().flatMap(set -> set.routes().stream().map(r -> Map.entry(r, set)))
                .sorted(Map.Entry.comparingByKey(specificFirst))
                .forEach(e -> registerOne(e.getValue(), e.getKey(), config));
    }

    @SuppressWarnings("unchecked")
    private <H> void registerOne(RouteSet<H> set, Route route, RoutesConfig config) {
        set.register((H) handlers.get(set), route, config);
    }
}
