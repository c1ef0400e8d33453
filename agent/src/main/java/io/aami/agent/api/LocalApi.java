package io.aami.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aami.agent.config.AgentConfig;
import io.aami.contract.ErrorBody;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's small local HTTP API (JDK HttpServer: no extra dependency on the host). Loopback
 * only unless {@code api.token} is set, in which case every call must carry it as a Bearer token.
 * {@link RequestGuard} keeps browsers on this host from driving it (Host, cross-site and content-type rules).
 * Bodies are parsed as they stream in, within each route's {@link BodyLimits}, by at most
 * {@link BodySlots#SLOTS} requests at once: any local user may call the API, and the heap it may take
 * must not depend on how many call at once. Metrics: {@link LocalApiMetrics}.
 */
public final class LocalApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalApi.class);
    /** The most any route's {@link BodyLimits} may allow: 10,000 /run_tasks entries fit comfortably. */
    public static final long MAX_BODY = 4L * 1024 * 1024;
    /**
     * The JDK server reads a request (line, headers, body) on a worker thread and, by default, waits
     * for it for ever: 16 local connections sending one byte each held every worker and silenced the
     * API. With this bound it closes a connection whose request is not read in full within it; the
     * handler's own work (a long /run_tasks) is not counted. A property of the JDK server, read once
     * when it is first used, so it is set before: here and first thing in {@code AgentMain.main}.
     */
    public static final String MAX_REQUEST_SECONDS_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String MAX_REQUEST_SECONDS = "10";

    static {
        boundRequestReading();
    }

    /** Sets the JDK server's request-reading bound unless an operator set it on the command line. */
    public static void boundRequestReading() {
        if (System.getProperty(MAX_REQUEST_SECONDS_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_SECONDS_PROPERTY, MAX_REQUEST_SECONDS);
        }
    }

    /** A route handler. */
    @FunctionalInterface
    public interface Route {
        void handle(Exchange exchange) throws IOException;
    }

    /** A route and the methods it answers. */
    public record Endpoint(Set<String> methods, Route route) {
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private LocalApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** As {@link #start(AgentConfig.Api, ObjectMapper, Map, ExecutorService, LocalApiMetrics)}, counting refusals nowhere. */
    public static LocalApi start(AgentConfig.Api cfg, ObjectMapper mapper, Map<String, Endpoint> routes, ExecutorService executor) {
        return start(cfg, mapper, routes, executor, new LocalApiMetrics(new PrometheusRegistry()));
    }

    public static LocalApi start(AgentConfig.Api cfg, ObjectMapper mapper, Map<String, Endpoint> routes, ExecutorService executor,
                                 LocalApiMetrics metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(cfg.host(), cfg.port()), 128);
            byte[] token = cfg.token() == null ? null : ("Bearer " + cfg.token()).getBytes(StandardCharsets.UTF_8);
            Serving serving = new Serving(token, RequestGuard.forApi(cfg), mapper, new BodySlots(), metrics);
            routes.forEach((path, endpoint) -> server.createContext(path, ex -> serve(ex, path, endpoint, serving)));
            server.createContext("/", ex -> serve(ex, "/", null, serving));
            server.setExecutor(executor);
            server.start();
            LOG.info("local API listening on {}:{}", cfg.host(), server.getAddress().getPort());
            return new LocalApi(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("local API cannot listen on " + cfg.host() + ":" + cfg.port() + " (api.listen): "
                    + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** What every request is served with. */
    private record Serving(byte[] token, RequestGuard guard, ObjectMapper mapper, BodySlots slots, LocalApiMetrics metrics) {
    }

    private static void serve(HttpExchange http, String path, Endpoint endpoint, Serving s) {
        Exchange ex = new Exchange(http, s.mapper(), s.slots());
        // Not try-with-resources: the exchange must stay open until the error answer is written.
        try {
            s.guard().checkOrigin(http.getRequestHeaders());
            if (s.token() != null && !authorized(ex.header("Authorization"), s.token())) {
                http.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"aami-agent\"");
                throw new LocalApiException(401, "UNAUTHORIZED", "this API needs Authorization: Bearer <api.token>");
            }
            if (endpoint == null || !http.getRequestURI().getPath().equals(path)) {
                throw new LocalApiException(404, "NOT_FOUND", "no route " + http.getRequestURI().getPath());
            }
            if (!endpoint.methods().contains(http.getRequestMethod())) {
                throw new LocalApiException(405, "METHOD_NOT_ALLOWED", path + " answers " + String.join(", ", endpoint.methods()));
            }
            RequestGuard.checkJsonBody(http.getRequestMethod(), http.getRequestHeaders());
            endpoint.route().handle(ex);
        } catch (LocalApiException e) {
            s.metrics().refused(e.code());
            reply(ex, e.status(), new ErrorBody(e.getMessage(), e.code(), e.field()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("local API {} failed: {}", path, e.toString());
            reply(ex, 500, new ErrorBody("internal error", "INTERNAL"));
        } finally {
            ex.releaseSlot();
            http.close();
        }
    }

    private static boolean authorized(String header, byte[] expected) {
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static void reply(Exchange ex, int status, ErrorBody body) {
        try {
            ex.json(status, body);
        } catch (IOException | RuntimeException ignored) {
            // the response was already started or the client went away
        }
    }
}
