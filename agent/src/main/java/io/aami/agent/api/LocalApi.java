package io.aami.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.aami.agent.config.AgentConfig;
import io.aami.common.net.HostPort;
import io.aami.contract.ErrorBody;
import io.aami.contract.heartbeat.LocalApiAddress;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's small local HTTP API (JDK HttpServer: no extra dependency on the host). Loopback
 * only unless {@code api.token} is set, in which case every call must carry it as a Bearer token;
 * {@link ApiAccess} decides which token a request needs (a metrics-only one may be configured).
 * {@link RequestGuard} keeps browsers on this host from driving it (Host, cross-site and content-type rules).
 * Bodies are parsed as they stream in, within each route's {@link BodyLimits}, by at most
 * {@link BodyPool#slots} requests of each pool at once: any local user may call the API, and the heap it may take
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
    /**
     * Likewise for writing an answer: by default the server waits for ever for a client that does not
     * read it, holding a worker (and, before slots were given back ahead of the write, a body slot)
     * for good. With this bound it closes a connection whose answer is not taken within it.
     */
    public static final String MAX_RESPONSE_SECONDS_PROPERTY = "sun.net.httpserver.maxRspTime";
    static final String MAX_RESPONSE_SECONDS = "30";
    /**
     * The JDK server writes a response's headers and its body in two writes and, by default, leaves
     * Nagle's algorithm on: the body waits for the client's delayed ACK of the headers, about 40 ms on
     * Linux, so a kept-alive connection answered 25 requests a second (716 /probe req/s on 32
     * connections). With TCP_NODELAY each answer leaves at once. Read once, like the bounds above.
     */
    public static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        boundRequestReading();
    }

    /**
     * Sets the JDK server's request-reading and response-writing bounds and TCP_NODELAY unless an
     * operator set them on the command line.
     */
    public static void boundRequestReading() {
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
        if (System.getProperty(MAX_REQUEST_SECONDS_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_SECONDS_PROPERTY, MAX_REQUEST_SECONDS);
        }
        if (System.getProperty(MAX_RESPONSE_SECONDS_PROPERTY) == null) {
            System.setProperty(MAX_RESPONSE_SECONDS_PROPERTY, MAX_RESPONSE_SECONDS);
        }
    }

    /** A route handler. */
    @FunctionalInterface
    public interface Route {
        void handle(Exchange exchange) throws IOException;
    }

    /** A route, the methods it answers, and the {@link BodyPool} whose slots its bodies are read in. */
    public record Endpoint(Set<String> methods, Route route, BodyPool pool) {
        /** A route in the {@link BodyPool#PROBES} pool (or one that reads no body, and so takes no slot). */
        public Endpoint(Set<String> methods, Route route) {
            this(methods, route, BodyPool.PROBES);
        }
    }

    /**
     * An {@code api.listen} host the server reads as an IP literal (its {@code local_api.host} rule): digits and dots,
     * or anything with a colon. The JDK also binds the shorthand forms {@code 127.1} and {@code 2130706433}, which the
     * server refuses, so such a host is reported as the address actually bound, in canonical form.
     */
    private static final Pattern LITERAL_FORM = Pattern.compile("[0-9.]+|.*:.*");

    private final HttpServer server;
    private final ExecutorService executor;
    private final LocalApiAddress address;

    private LocalApi(HttpServer server, ExecutorService executor, LocalApiAddress address) {
        this.server = server;
        this.executor = executor;
        this.address = address;
    }

    /** As {@link #start(AgentConfig.Api, ObjectMapper, Map, ExecutorService, LocalApiMetrics)}, counting refusals nowhere. */
    public static LocalApi start(AgentConfig.Api cfg, ObjectMapper mapper, Map<String, Endpoint> routes, ExecutorService executor) {
        return start(cfg, mapper, routes, executor, new LocalApiMetrics(new PrometheusRegistry()));
    }

    public static LocalApi start(AgentConfig.Api cfg, ObjectMapper mapper, Map<String, Endpoint> routes, ExecutorService executor,
                                 LocalApiMetrics metrics) {
        try {
            InetSocketAddress listen = new InetSocketAddress(cfg.host(), cfg.port());
            refuseUnguarded(cfg, listen);
            HttpServer server = create(cfg, listen);
            InetSocketAddress bound = server.getAddress();
            Serving serving = new Serving(ApiAccess.forApi(cfg), RequestGuard.forApi(cfg, bound.getAddress()), mapper,
                    new BodySlots(), new AnswerBytes(), metrics);
            routes.forEach((path, endpoint) -> server.createContext(path, ex -> serve(ex, path, endpoint, serving)));
            server.createContext("/", ex -> serve(ex, "/", null, serving));
            server.setExecutor(executor);
            server.start();
            LocalApiAddress address = new LocalApiAddress(reportedHost(cfg.host(), bound.getAddress()), bound.getPort());
            LOG.info("local API listening on {}{}", new HostPort(address.host(), address.port()),
                    cfg.tls().enabled() ? " (HTTPS" + (cfg.tls().clientCaFile() != null ? ", client certificate required)" : ")") : "");
            return new LocalApi(server, executor, address);
        } catch (IOException e) {
            throw new UncheckedIOException("local API cannot listen on " + cfg.host() + ":" + cfg.port() + " (api.listen): "
                    + e.getMessage(), e);
        }
    }

    /** Plain HTTP, or with {@code api.tls} HTTPS only: a plain request to that port fails in the handshake. */
    private static HttpServer create(AgentConfig.Api cfg, InetSocketAddress listen) throws IOException {
        if (!cfg.tls().enabled()) {
            return HttpServer.create(listen, 128);
        }
        HttpsServer https = HttpsServer.create(listen, 128);
        https.setHttpsConfigurator(ApiTlsContext.configurator(cfg.tls()));
        return https;
    }

    /**
     * The loader allows an API without the full token only on a loopback address, but it resolved the name
     * itself; what counts is the address bound, resolved once here and bound as is (a name may resolve
     * differently now). Checked before binding: a JDK server bound but never started keeps its port.
     */
    private static void refuseUnguarded(AgentConfig.Api cfg, InetSocketAddress listen) {
        if (cfg.token() == null && (listen.isUnresolved() || !listen.getAddress().isLoopbackAddress())) {
            throw new IllegalStateException("local API: api.listen " + cfg.host() + " is "
                    + (listen.isUnresolved() ? "unresolved" : listen.getAddress().getHostAddress())
                    + ", which is not a loopback address, and api.token is not set; refusing to serve every local and"
                    + " network user unauthenticated (set api.token or listen on 127.0.0.1)");
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Where the API listens, as the heartbeat reports it: the port bound (port 0 picks one), and the host as
     * {@code api.listen} names it, or, for an IP literal, the address bound in canonical form ({@code 127.1} binds and
     * is reported as {@code 127.0.0.1}), which is also a {@code Host} the API accepts.
     */
    public LocalApiAddress address() {
        return address;
    }

    static String reportedHost(String configured, InetAddress bound) {
        return LITERAL_FORM.matcher(configured).matches() ? bound.getHostAddress() : configured;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** What every request is served with. */
    private record Serving(ApiAccess access, RequestGuard guard, ObjectMapper mapper, BodySlots slots, AnswerBytes answers,
                           LocalApiMetrics metrics) {
    }

    private static void serve(HttpExchange http, String path, Endpoint endpoint, Serving s) {
        Exchange ex = new Exchange(http, s.mapper(), s.slots(), endpoint == null ? BodyPool.PROBES : endpoint.pool(),
                s.answers());
        // Not try-with-resources: the exchange must stay open until the error answer is written.
        try {
            s.guard().checkOrigin(http.getRequestHeaders());
            try {
                s.access().check(http.getRequestMethod(), http.getRequestURI().getPath(), ex.header("Authorization"));
            } catch (LocalApiException e) {
                if (e.status() == 401) {
                    http.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"aami-agent\"");
                }
                throw e;
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

    private static void reply(Exchange ex, int status, ErrorBody body) {
        try {
            ex.json(status, body);
        } catch (IOException | RuntimeException ignored) {
            // the response was already started or the client went away
        }
    }
}
