package io.aami.server;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Pem;
import io.aami.server.http.Access;
import io.aami.server.http.RouteTable;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every route's role, written out here by hand ({@link #EXPECTED}) and compared exactly with the route table, so
 * a route whose role changes, and a new route, fail until this list says so; plus rules no list can get wrong
 * (nothing that writes is VIEWER but the caller's own tokens; every {@code /users} route is ADMIN). Then EVERY
 * route is walked with every kind of caller and the answer checked against this list (not the table): 401
 * without a credential it takes, 403 with one whose role is too low, anything else ("allowed": the handler ran;
 * it may still refuse the empty body or the made-up id) otherwise, and never a 5xx. The agent is walked both
 * ways it can prove itself: its token (TLS off) and its client certificate (TLS on).
 */
class AccessMatrixTest {
    /** "METHOD path" → the role it must require: change it here only with the route table, deliberately. */
    static final Map<String, Access> EXPECTED = Map.ofEntries(
            entry("POST /api/v1/agents/{id}/certificate", Access.AGENT),
            entry("POST /api/v1/agents/{id}/check-results", Access.AGENT),
            entry("POST /api/v1/agents/{id}/discovery", Access.AGENT),
            entry("POST /api/v1/agents/{id}/heartbeat", Access.AGENT),
            entry("POST /api/v1/agents/{id}/probe-results", Access.AGENT),
            entry("GET /api/v1/audit", Access.ADMIN),
            entry("GET /api/v1/bootstrap-tokens", Access.VIEWER),
            entry("POST /api/v1/bootstrap-tokens", Access.OPERATOR),
            entry("POST /api/v1/bootstrap-tokens/register", Access.ENROLL),
            entry("GET /api/v1/bootstrap-tokens/{id}", Access.VIEWER),
            entry("DELETE /api/v1/bootstrap-tokens/{id}", Access.OPERATOR),
            entry("GET /api/v1/bootstrap-tokens/{id}/uses", Access.VIEWER),
            entry("GET /api/v1/ca", Access.PUBLIC),
            entry("GET /api/v1/checks", Access.VIEWER),
            entry("POST /api/v1/checks", Access.OPERATOR),
            entry("GET /api/v1/checks/target/{id}", Access.AGENT),
            entry("GET /api/v1/checks/{id}", Access.VIEWER),
            entry("PUT /api/v1/checks/{id}", Access.OPERATOR),
            entry("DELETE /api/v1/checks/{id}", Access.OPERATOR),
            entry("PUT /api/v1/checks/{id}/enabled", Access.OPERATOR),
            entry("GET /api/v1/dependencies", Access.VIEWER),
            entry("GET /api/v1/dependencies/uncovered", Access.VIEWER),
            entry("GET /api/v1/fleet/summary", Access.VIEWER),
            entry("GET /api/v1/groups", Access.VIEWER),
            entry("POST /api/v1/groups", Access.OPERATOR),
            entry("GET /api/v1/groups/{id}", Access.VIEWER),
            entry("PUT /api/v1/groups/{id}", Access.OPERATOR),
            entry("DELETE /api/v1/groups/{id}", Access.OPERATOR),
            entry("GET /api/v1/login/session", Access.VIEWER),
            entry("POST /api/v1/login/session", Access.PUBLIC),
            entry("DELETE /api/v1/login/session", Access.VIEWER),
            entry("POST /api/v1/login/tokens", Access.PUBLIC),
            entry("GET /api/v1/me", Access.VIEWER),
            entry("GET /api/v1/me/tokens", Access.VIEWER),
            entry("POST /api/v1/me/tokens", Access.VIEWER),
            entry("DELETE /api/v1/me/tokens", Access.VIEWER),
            entry("DELETE /api/v1/me/tokens/{token_id}", Access.VIEWER),
            entry("GET /api/v1/policy-key", Access.PUBLIC),
            entry("GET /api/v1/probes", Access.VIEWER),
            entry("POST /api/v1/probes", Access.OPERATOR),
            entry("GET /api/v1/probes/matrix", Access.VIEWER),
            entry("GET /api/v1/probes/{id}", Access.VIEWER),
            entry("PUT /api/v1/probes/{id}", Access.OPERATOR),
            entry("DELETE /api/v1/probes/{id}", Access.OPERATOR),
            entry("PUT /api/v1/probes/{id}/enabled", Access.OPERATOR),
            entry("GET /api/v1/sd/prometheus", Access.MONITORING),
            entry("GET /api/v1/targets", Access.VIEWER),
            entry("POST /api/v1/targets", Access.OPERATOR),
            entry("GET /api/v1/targets/{id}", Access.VIEWER),
            entry("PUT /api/v1/targets/{id}", Access.OPERATOR),
            entry("DELETE /api/v1/targets/{id}", Access.OPERATOR),
            entry("GET /api/v1/targets/{id}/check-results", Access.VIEWER),
            entry("GET /api/v1/targets/{id}/checks", Access.VIEWER),
            entry("GET /api/v1/targets/{id}/connections", Access.VIEWER),
            entry("GET /api/v1/targets/{id}/dependencies", Access.VIEWER),
            entry("GET /api/v1/targets/{id}/services", Access.VIEWER),
            entry("GET /api/v1/targets/{id}/probe-results", Access.VIEWER),
            entry("GET /api/v1/targets/{id}/probes", Access.VIEWER),
            entry("POST /api/v1/targets/{id}/revoke", Access.OPERATOR),
            entry("POST /api/v1/targets/bulk", Access.OPERATOR),
            entry("GET /api/v1/users", Access.ADMIN),
            entry("POST /api/v1/users", Access.ADMIN),
            entry("GET /api/v1/users/{id}", Access.ADMIN),
            entry("PUT /api/v1/users/{id}", Access.ADMIN),
            entry("DELETE /api/v1/users/{id}", Access.ADMIN),
            entry("PUT /api/v1/users/{id}/password", Access.ADMIN),
            entry("GET /api/v1/users/{id}/tokens", Access.ADMIN),
            entry("DELETE /api/v1/users/{id}/tokens", Access.ADMIN),
            entry("DELETE /api/v1/users/{id}/tokens/{token_id}", Access.ADMIN),
            entry("GET /", Access.PUBLIC),
            entry("GET /health", Access.HEALTH),
            entry("GET /metrics", Access.METRICS_ACCESS),
            entry("GET /ready", Access.HEALTH),
            entry("GET /ui", Access.VIEWER),
            entry("GET /ui/audit", Access.ADMIN),
            entry("GET /ui/bootstrap-tokens", Access.VIEWER),
            entry("GET /ui/bootstrap-tokens/{id}", Access.VIEWER),
            entry("GET /ui/tokens", Access.VIEWER),
            entry("GET /ui/users", Access.ADMIN),
            entry("GET /ui/users/{id}", Access.ADMIN),
            entry("GET /ui/assets/{name}", Access.PUBLIC),
            entry("GET /ui/login", Access.PUBLIC),
            entry("GET /ui/targets", Access.VIEWER),
            entry("GET /ui/targets/{id}", Access.VIEWER),
            entry("GET /ui/checks", Access.VIEWER),
            entry("GET /ui/checks/new", Access.OPERATOR),
            entry("GET /ui/checks/{id}", Access.VIEWER),
            entry("GET /ui/probes", Access.VIEWER),
            entry("GET /ui/probes/new", Access.OPERATOR),
            entry("GET /ui/probes/{id}", Access.VIEWER),
            entry("GET /ui/matrix", Access.VIEWER),
            entry("GET /ui/matrix/pairs", Access.VIEWER),
            entry("GET /ui/dependencies", Access.VIEWER));

    /** Writes a viewer may make: only to its own tokens and its own session (logout). */
    static final Set<String> VIEWER_WRITES = Set.of("POST /api/v1/me/tokens", "DELETE /api/v1/me/tokens",
            "DELETE /api/v1/me/tokens/{token_id}", "DELETE /api/v1/login/session");
    /** Revokes the caller's own tokens: walked last but one, so every caller keeps its token for the other routes. */
    static final String REVOKES_CALLER = "DELETE /api/v1/me/tokens";
    /** Ends the session caller's session: that caller walks it with a second session of its own. */
    static final String ENDS_SESSION = "DELETE /api/v1/login/session";
    static final String SESSION_USER = "walk-session-operator";
    static final String SESSION_VIEWER_USER = "walk-session-viewer";
    /** The callers by session cookie and CSRF token, and the user each logs in as again for {@link #ENDS_SESSION}. */
    static final Map<Caller, String> SESSION_USERS = Map.of(Caller.SESSION_OPERATOR, SESSION_USER, Caller.SESSION_VIEWER,
            SESSION_VIEWER_USER);

    /**
     * SESSION_OPERATOR: an operator by the console's cookie, sending its CSRF token with every request; SESSION_VIEWER
     * likewise a viewer (a session gets its user's role, no more: every write above a viewer's own is FORBIDDEN).
     * SESSION_NO_CSRF: the same user by a session cookie of its own, never sending the CSRF token (what a cross-site
     * request could do): every cookie-authenticated write must be refused as {@link Outcome#CSRF_REFUSED}.
     */
    enum Caller { NONE, VIEWER, OPERATOR, SESSION_OPERATOR, SESSION_VIEWER, SESSION_NO_CSRF, ADMIN_USER, BREAK_GLASS, MONITORING,
        AGENT }

    /** FORBIDDEN is a 403 for the role; CSRF_REFUSED a 403 {@code CSRF_TOKEN_INVALID}: the walk tells them apart. */
    enum Outcome { UNAUTHORIZED, FORBIDDEN, CSRF_REFUSED, ALLOWED }

    static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** The routes that resolve an operator-side credential, so the session cookie and its CSRF check. */
    static final Set<Access> CREDENTIAL_ROUTES = EnumSet.of(Access.VIEWER, Access.OPERATOR, Access.ADMIN, Access.MONITORING,
            Access.METRICS_ACCESS);

    /** What the table promises the caller on this route: a session's write without its CSRF token is refused first. */
    static Outcome expected(Access access, String method, Caller caller) {
        if (caller == Caller.SESSION_NO_CSRF && CREDENTIAL_ROUTES.contains(access) && !SAFE_METHODS.contains(method)) {
            return Outcome.CSRF_REFUSED;
        }
        return expected(access, caller);
    }

    /** How one caller sends its requests: through which client, with which bearer token (or none) and headers. */
    record Credential(Api api, String bearer, String... headers) {
    }

    /** What the table's role promises each caller. */
    static Outcome expected(Access access, Caller caller) {
        return switch (access) {
            case HEALTH, PUBLIC, ENROLL -> Outcome.ALLOWED;
            case AGENT -> caller == Caller.AGENT ? Outcome.ALLOWED : Outcome.UNAUTHORIZED;
            // metrics.public is false here: /metrics takes what the monitoring routes take.
            case MONITORING, METRICS_ACCESS -> caller == Caller.NONE || caller == Caller.AGENT ? Outcome.UNAUTHORIZED : Outcome.ALLOWED;
            case VIEWER -> operator(caller, EnumSet.of(Caller.VIEWER, Caller.OPERATOR, Caller.SESSION_OPERATOR, Caller.SESSION_VIEWER,
                    Caller.SESSION_NO_CSRF, Caller.ADMIN_USER, Caller.BREAK_GLASS));
            case OPERATOR -> operator(caller, EnumSet.of(Caller.OPERATOR, Caller.SESSION_OPERATOR, Caller.SESSION_NO_CSRF, Caller.ADMIN_USER,
                    Caller.BREAK_GLASS));
            case ADMIN -> operator(caller, EnumSet.of(Caller.ADMIN_USER, Caller.BREAK_GLASS));
        };
    }

    private static Outcome operator(Caller caller, EnumSet<Caller> allowed) {
        if (caller == Caller.NONE || caller == Caller.AGENT) {
            return Outcome.UNAUTHORIZED;
        }
        return allowed.contains(caller) ? Outcome.ALLOWED : Outcome.FORBIDDEN;
    }

    @Test
    void everyRouteAnswersEveryCallerAsTheTableSaysAgentByToken() {
        try (TestServer server = TestServer.start(Map.of("AAMI_METRICS_PUBLIC", "false"))) {
            Map<Caller, Credential> callers = operators(server.api());
            Fixtures.EnrolledAgent agent = Fixtures.enroll(server.api(), "walk-agent", null);
            callers.put(Caller.AGENT, new Credential(server.api(), agent.token()));
            walk(server, callers, agent.id());
        }
    }

    @Test
    void everyRouteAnswersEveryCallerAsTheTableSaysAgentByCertificate() {
        try (TestServer server = TestServer.start(Map.of("AAMI_METRICS_PUBLIC", "false", "AAMI_TLS", "on"))) {
            Map<Caller, Credential> callers = operators(server.api());
            UUID id = UUID.randomUUID();
            KeyPair key = TlsTestClients.newKey();
            Api.Reply r = server.api().post("/api/v1/bootstrap-tokens/register", Map.of("token", Fixtures.bootstrapToken(server.api(),
                    1, Map.of()), "agent_id", id.toString(), "hostname", "walk-agent", "csr", TlsTestClients.csr(key, id)), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            X509Certificate cert = Pem.parseCertificate(r.json().get("client_certificate").asText());
            Api withCert = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(),
                    new TlsTestClients.ClientIdentity(key, List.of(cert))));
            callers.put(Caller.AGENT, new Credential(withCert, null));
            walk(server, callers, id);
        }
    }

    @Test
    void theRouteTableIsExactlyTheExpectedList() {
        Map<String, Access> table = new TreeMap<>();
        ServerMain.routeTable().routes().forEach(r -> table.put(key(r), r.access()));
        assertThat(table).isEqualTo(new TreeMap<>(EXPECTED));
    }

    @Test
    void nothingThatWritesIsForViewersButTheirOwnTokensAndUsersAreForAdmins() {
        for (Map.Entry<String, Access> e : EXPECTED.entrySet()) {
            boolean writes = !e.getKey().startsWith("GET ");
            if (writes && !VIEWER_WRITES.contains(e.getKey())) {
                assertThat(e.getValue()).as(e.getKey()).isNotEqualTo(Access.VIEWER);
            }
            if (e.getKey().split(" ")[1].startsWith("/api/v1/users")) {
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(Access.ADMIN);
            }
        }
    }

    /** The walk is not vacuous: each operator role meets a route it may call and one it may not. */
    @Test
    void eachRoleIsBothAllowedAndRefusedSomewhere() {
        List<RouteTable.Route> routes = ServerMain.routeTable().routes();
        for (Caller c : List.of(Caller.VIEWER, Caller.OPERATOR, Caller.SESSION_VIEWER, Caller.SESSION_OPERATOR)) {
            assertThat(routes.stream().map(r -> expected(r.access(), c)).toList()).as(c.name())
                    .contains(Outcome.ALLOWED, Outcome.FORBIDDEN);
        }
        assertThat(routes).extracting(RouteTable.Route::access).containsAll(EnumSet.allOf(Access.class));
    }

    private static void walk(TestServer server, Map<Caller, Credential> callers, UUID agentId) {
        List<RouteTable.Route> routes = new ArrayList<>(server.running().routes());
        routes.sort(Comparator.comparing(r -> key(r).equals(REVOKES_CALLER)));
        List<String> wrong = new ArrayList<>();
        int walked = 0;
        for (RouteTable.Route r : routes) {
            Access listed = EXPECTED.get(key(r));
            for (Caller caller : Caller.values()) {
                Credential as = SESSION_USERS.containsKey(caller) && key(r).equals(ENDS_SESSION)
                        ? login(callers.get(caller).api(), SESSION_USERS.get(caller)) : callers.get(caller);
                Api.Reply reply = as.api().send(r.method(), path(r, agentId), Map.of(), as.bearer(), as.headers());
                Outcome want = listed == null ? null : expected(listed, r.method(), caller);
                // A console page sends a browser without a session to the login page: its 401.
                boolean toLogin = reply.status() == 303 && reply.header("Location").orElse("").equals("/ui/login");
                Outcome got = reply.status() == 401 || toLogin ? Outcome.UNAUTHORIZED
                        : reply.status() == 403 ? forbidden(reply) : Outcome.ALLOWED;
                if (got != want || reply.status() >= 500 || reply.status() == 404 && reply.body().contains("no route")) {
                    wrong.add(key(r) + " (listed " + listed + ") as " + caller + ": expected " + want + ", got " + reply);
                }
                walked++;
            }
        }
        assertThat(wrong).as("routes answering against the table").isEmpty();
        assertThat(walked).isEqualTo(routes.size() * Caller.values().length);
    }

    /**
     * A 403's kind by its code (in the JSON body, or a console page's {@code data-error-code}); a 403 with any other code
     * counts as neither (so the walk reports it).
     */
    private static Outcome forbidden(Api.Reply reply) {
        String code = reply.errorCode();
        return code.equals("CSRF_TOKEN_INVALID") ? Outcome.CSRF_REFUSED : code.equals("FORBIDDEN") ? Outcome.FORBIDDEN : null;
    }

    private static String key(RouteTable.Route r) {
        return r.method() + " " + r.path();
    }

    /** {id} is the agent's own on agent routes; elsewhere a well-formed id of nothing (the handler answers 404). */
    private static String path(RouteTable.Route r, UUID agentId) {
        String id = r.access() == Access.AGENT ? agentId.toString() : UUID.randomUUID().toString();
        return r.path().replace("{id}", id).replace("{token_id}", UUID.randomUUID().toString()).replace("{name}", "console.css");
    }

    /** Everyone but the agent, each through the server's plain client. */
    private static Map<Caller, Credential> operators(Api api) {
        Map<Caller, Credential> callers = new EnumMap<>(Caller.class);
        callers.put(Caller.NONE, new Credential(api, null));
        callers.put(Caller.VIEWER, new Credential(api, userToken(api, "walk-viewer", "viewer")));
        callers.put(Caller.OPERATOR, new Credential(api, userToken(api, "walk-operator", "operator")));
        callers.put(Caller.ADMIN_USER, new Credential(api, userToken(api, "walk-admin", "admin")));
        Fixtures.user(api, SESSION_USER, "operator");
        callers.put(Caller.SESSION_OPERATOR, login(api, SESSION_USER));
        Fixtures.user(api, SESSION_VIEWER_USER, "viewer");
        callers.put(Caller.SESSION_VIEWER, login(api, SESSION_VIEWER_USER));
        // Another user: SESSION_OPERATOR's revocation of all its tokens ends all its sessions.
        Fixtures.user(api, SESSION_USER + "-no-csrf", "operator");
        Credential withCsrf = login(api, SESSION_USER + "-no-csrf");
        callers.put(Caller.SESSION_NO_CSRF, new Credential(api, null, withCsrf.headers()[0], withCsrf.headers()[1]));
        callers.put(Caller.BREAK_GLASS, new Credential(api, ADMIN));
        callers.put(Caller.MONITORING, new Credential(api, MONITORING));
        assertThat(api.get("/api/v1/users", callers.get(Caller.OPERATOR).bearer()).json().get("code").asText()).isEqualTo("FORBIDDEN");
        return callers;
    }

    private static Credential login(Api api, String name) {
        Api.Reply in = api.post("/api/v1/login/session", Map.of("user", name, "password", Fixtures.PASSWORD), null);
        assertThat(in.status()).as(in.toString()).isEqualTo(201);
        return new Credential(api, null, "Cookie", in.header("Set-Cookie").orElseThrow().split(";")[0],
                "X-CSRF-Token", in.json().get("csrf_token").asText());
    }

    private static String userToken(Api api, String name, String role) {
        Fixtures.user(api, name, role);
        return Fixtures.userToken(api, name, Map.of("name", "walk"));
    }
}
