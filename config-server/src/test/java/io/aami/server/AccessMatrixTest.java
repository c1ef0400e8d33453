package io.aami.server;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.http.Access;
import io.aami.server.http.RouteTable;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks EVERY route of the one route table with every kind of caller and checks the answer against the role
 * the table declares: 401 without a credential it takes, 403 with one whose role is too low, anything else
 * ("allowed": the handler ran; it may still refuse the empty body or the made-up id) otherwise. The expected
 * answers are derived from the table, so a new route is walked without touching this test.
 */
class AccessMatrixTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_METRICS_PUBLIC", "false"));
    static final Api api = server.api();

    enum Caller { NONE, VIEWER, OPERATOR, ADMIN_USER, BREAK_GLASS, MONITORING, AGENT }

    enum Outcome { UNAUTHORIZED, FORBIDDEN, ALLOWED }

    static final Map<Caller, String> tokens = new EnumMap<>(Caller.class);
    static Fixtures.EnrolledAgent agent;

    @BeforeAll
    static void callers() {
        tokens.put(Caller.VIEWER, userToken("walk-viewer", "viewer"));
        tokens.put(Caller.OPERATOR, userToken("walk-operator", "operator"));
        tokens.put(Caller.ADMIN_USER, userToken("walk-admin", "admin"));
        tokens.put(Caller.BREAK_GLASS, ADMIN);
        tokens.put(Caller.MONITORING, MONITORING);
        agent = Fixtures.enroll(api, "walk-agent", null);
        tokens.put(Caller.AGENT, agent.token());
    }

    /** What the table's role promises each caller. */
    static Outcome expected(Access access, Caller caller) {
        return switch (access) {
            case HEALTH, PUBLIC, ENROLL -> Outcome.ALLOWED;
            case AGENT -> caller == Caller.AGENT ? Outcome.ALLOWED : Outcome.UNAUTHORIZED;
            // metrics.public is false here: /metrics takes what the monitoring routes take.
            case MONITORING, METRICS_ACCESS -> caller == Caller.NONE || caller == Caller.AGENT ? Outcome.UNAUTHORIZED : Outcome.ALLOWED;
            case VIEWER -> operator(caller, EnumSet.of(Caller.VIEWER, Caller.OPERATOR, Caller.ADMIN_USER, Caller.BREAK_GLASS));
            case OPERATOR -> operator(caller, EnumSet.of(Caller.OPERATOR, Caller.ADMIN_USER, Caller.BREAK_GLASS));
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
    void everyRouteAnswersEveryCallerAsTheTableSays() {
        List<RouteTable.Route> routes = server.running().routes();
        List<String> wrong = new ArrayList<>();
        int walked = 0;
        for (RouteTable.Route r : routes) {
            for (Caller caller : Caller.values()) {
                Api.Reply reply = api.send(r.method(), path(r), Map.of(), tokens.get(caller));
                Outcome want = expected(r.access(), caller);
                Outcome got = reply.status() == 401 ? Outcome.UNAUTHORIZED : reply.status() == 403 ? Outcome.FORBIDDEN : Outcome.ALLOWED;
                if (got != want || reply.status() == 404 && reply.body().contains("no route")) {
                    wrong.add(r.method() + " " + r.path() + " (" + r.access() + ") as " + caller + ": expected " + want + ", got " + reply);
                }
                walked++;
            }
        }
        assertThat(wrong).as("routes answering against the table").isEmpty();
        assertThat(walked).isEqualTo(routes.size() * Caller.values().length);
        assertThat(routes).extracting(RouteTable.Route::access).containsAll(EnumSet.allOf(Access.class));
    }

    /** The walk is not vacuous: each operator role meets a route it may call and one it may not. */
    @Test
    void eachRoleIsBothAllowedAndRefusedSomewhere() {
        for (Caller c : List.of(Caller.VIEWER, Caller.OPERATOR)) {
            List<Outcome> outcomes = server.running().routes().stream().map(r -> expected(r.access(), c)).toList();
            assertThat(outcomes).as(c.name()).contains(Outcome.ALLOWED, Outcome.FORBIDDEN);
        }
        assertThat(api.get("/api/v1/users", tokens.get(Caller.OPERATOR)).json().get("code").asText()).isEqualTo("FORBIDDEN");
    }

    /** {id} is the agent's own on agent routes; elsewhere a well-formed id of nothing (the handler answers 404). */
    private static String path(RouteTable.Route r) {
        String id = r.access() == Access.AGENT ? agent.id().toString() : UUID.randomUUID().toString();
        return r.path().replace("{id}", id).replace("{token_id}", UUID.randomUUID().toString());
    }

    private static String userToken(String name, String role) {
        Api.Reply user = api.post("/api/v1/users", Map.of("name", name, "role", role, "password", "correct horse battery"), ADMIN);
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        Api.Reply token = api.post("/api/v1/users/" + user.json().get("id").asText() + "/tokens", Map.of("name", "walk"), ADMIN);
        assertThat(token.status()).as(token.toString()).isEqualTo(201);
        return token.json().get("token").asText();
    }
}
