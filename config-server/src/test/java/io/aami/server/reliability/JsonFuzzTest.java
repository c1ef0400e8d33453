package io.aami.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.contract.ErrorCode;
import io.aami.server.testing.Api;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A property-based fuzzer (jqwik) over every JSON route of the route table, on a real server and PostgreSQL:
 * each generated body (see {@link FuzzBodies}), sent with the route's own credential, is answered without a
 * 5xx, without a stack trace or HTML, every 4xx is the JSON error {@code {"error","code","field"}}, and a
 * refused request leaves the database exactly as it was ({@link DbFingerprint} before and after each one).
 * The fast part runs in {@code mvn verify}; the long part ({@code reliability-long}, thousands of bodies per
 * route) with {@code mvn -B verify -Preliability} (README, Reliability).
 */
class JsonFuzzTest {
    /** Ids that are not ids, for the path: malformed, nil, unknown, overlong, encoded NUL and emoji. */
    private static final List<String> BAD_PATH_IDS = List.of("not-a-uuid", "%00", "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff", "6f1c1d52-0d2e-4e8f-9c7a-2b1f3e4d5c6b", "%F0%9F%A6%80", "x".repeat(3_000),
            "1", "-1", "%7B00000000-0000-0000-0000-000000000000%7D", "%20", "..");

    private static TestServer server;
    private static FuzzWorld world;
    private static DbFingerprint db;
    private static long started;
    private static final Map<String, Map<Integer, AtomicInteger>> STATUSES = new ConcurrentHashMap<>();
    private static final Map<String, java.util.concurrent.atomic.AtomicLong> MILLIS = new ConcurrentHashMap<>();
    private static final AtomicInteger STORED_BY_REFUSED = new AtomicInteger();

    /** One generated request: the route, its body, and maybe a bad id in place of the path's. */
    record Request(FuzzWorld.Target target, FuzzBodies.Body body, Optional<String> badId) {
        String path() {
            return badId.map(id -> target.route().path().replace("{id}", id)).orElse(target.path());
        }

        @Override
        public String toString() {
            byte[] bytes = FuzzBodies.render(target.seed(), body);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return target.route().method() + " " + path() + " edits=" + body.edits() + " twist=" + body.twist() + " body("
                    + bytes.length + ")=" + (text.length() > 400 ? text.substring(0, 400) + "…" : text);
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        server = TestServer.start(Map.of(
                // One agent sends thousands of requests: its per-agent limit would answer most of them 429.
                "AAMI_RATE_LIMITS_AGENT_PER_SECOND", "1000000", "AAMI_RATE_LIMITS_AGENT_BURST", "1000000",
                // Accepted heartbeats reach the table within milliseconds, so each request is judged on its own.
                "AAMI_HEARTBEAT_FLUSH_INTERVAL", "10ms",
                // The agent must not go offline while other routes are fuzzed (that is a change no request made).
                "AAMI_HEARTBEAT_INTERVAL", "1h",
                // A request head sent without its body (see send) is answered 408 soon if the route waits for the body.
                "AAMI_HTTP_BODY_READ_TIMEOUT", "2s"));
        world = new FuzzWorld(server.api(), server.running().routes());
        db = new DbFingerprint(server.database());
        started = System.nanoTime();
    }

    @AfterContainer
    static void stop() throws Exception {
        if (server == null) {
            return;
        }
        int total = STATUSES.values().stream().flatMap(m -> m.values().stream()).mapToInt(AtomicInteger::get).sum();
        System.out.printf("json fuzz: %d requests over %d routes in %d s%n", total, STATUSES.size(),
                (System.nanoTime() - started) / 1_000_000_000L);
        new TreeMap<>(STATUSES).forEach((route, statuses) -> System.out.println("  " + route + "  "
                + statuses.values().stream().mapToInt(AtomicInteger::get).sum() + " bodies  " + new TreeMap<>(statuses) + "  "
                + MILLIS.get(route) + " ms"));
        if (db != null) {
            db.close();
        }
        server.close();
        server = null;
        figures(total);
    }

    /** The scenario's figures line: what was sent, how it was answered, and refusals that stored anything (none). */
    private static void figures(int total) {
        long rejected = count(status -> status >= 400 && status < 500);
        long failed = count(status -> status >= 500);
        FaultFigures.record(String.format(java.util.Locale.ROOT, "RELIABILITY scenario=9-json-fuzz requests=%d accepted_2xx=%d"
                        + " rejected_4xx=%d errors_5xx=%d refused_that_stored=%d", total, count(status -> status < 300), rejected,
                failed, STORED_BY_REFUSED.get()));
        assertThat(failed).as("5xx answers").isZero();
        assertThat(STORED_BY_REFUSED.get()).as("refused requests that changed a table").isZero();
    }

    private static long count(IntPredicate status) {
        return STATUSES.values().stream().flatMap(m -> m.entrySet().stream()).filter(e -> status.test(e.getKey()))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<Optional<String>> badIds = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just(Optional.<String>empty())),
                Tuple.of(1, Arbitraries.of(BAD_PATH_IDS).map(Optional::of)));
        List<FuzzWorld.Target> targets = world.targets();
        // Uniform: jqwik's integers otherwise favour the ends of the range, and so the first and last routes.
        Arbitrary<FuzzWorld.Target> routes = Arbitraries.integers().between(0, targets.size() - 1)
                .withDistribution(net.jqwik.api.RandomDistribution.uniform()).map(targets::get);
        return Combinators.combine(routes, FuzzBodies.bodies(world.ids()), badIds)
                .as((t, b, id) -> new Request(t, b, t.route().path().contains("{id}") ? id : Optional.empty()));
    }

    /** About 12 bodies per route: the fast part, in verify. */
    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    @Tag("reliability")
    void fastPart(@ForAll("requests") Request request) throws Exception {
        check(request);
    }

    /** About 2,000 bodies per route. */
    @Property(tries = 50_000, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    @Tag("reliability-long")
    void longPart(@ForAll("requests") Request request) throws Exception {
        check(request);
    }

    private static void check(Request request) throws Exception {
        FuzzWorld.Target t = request.target();
        byte[] body = FuzzBodies.render(t.seed(), request.body());
        long t0 = System.nanoTime();
        Map<String, String> before = db.take();
        Api.Reply reply = send(request, body);
        String route = t.route().method() + " " + t.route().path();
        STATUSES.computeIfAbsent(route, k -> new ConcurrentHashMap<>()).computeIfAbsent(reply.status(), k -> new AtomicInteger())
                .incrementAndGet();
        Map<String, String> after = settled(t, before, reply.status());
        MILLIS.computeIfAbsent(route, k -> new java.util.concurrent.atomic.AtomicLong()).addAndGet((System.nanoTime() - t0) / 1_000_000);

        assertThat(reply.status()).as("%s → %s", request, reply).isBetween(200, 499);
        assertThat(reply.body()).as("%s → %s", request, reply).doesNotContain("\tat ", "Exception", "<html", "<!DOCTYPE");
        if (reply.status() >= 400) {
            assertErrorShape(request, reply);
            Map<String, String> changed = DbFingerprint.diff(before, after);
            if (t.countsFailures() || fewerRows(before, after, "login_failures")) {
                // Refused logins count by design; and the table's spent entries are pruned in the background.
                changed.remove("login_failures");
            }
            if (!changed.isEmpty()) {
                STORED_BY_REFUSED.incrementAndGet();
            }
            assertThat(changed).as("stored by the refused %s → %s", request, reply).isEmpty();
        }
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build();

    /**
     * Sends the request. A large body the server refuses before reading it (a wrong agent id: 403) is cut off
     * by the server closing the connection, which a client still writing sees as a broken pipe, not the answer.
     * Then the request's head alone (with its Content-Length) is sent again: the answer a server gives without
     * reading the body comes at once and is judged like any other; one that waits for the body times out (408)
     * and fails the check, since a route reading the body must not have cut it short.
     */
    private static Api.Reply send(Request request, byte[] body) throws Exception {
        FuzzWorld.Target t = request.target();
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + request.path())).timeout(java.time.Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(t.route().method(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        if (t.bearer() != null) {
            b.header("Authorization", "Bearer " + t.bearer());
        }
        try {
            java.net.http.HttpResponse<String> r = HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Api.Reply(r.statusCode(), r.body(), r.headers());
        } catch (java.io.IOException e) {
            Api.Reply head = headOnly(t, request.path(), body.length);
            assertThat(head.status()).as("%s: connection cut (%s); its head alone → %s", request, e, head).isNotEqualTo(408);
            return head;
        }
    }

    private static Api.Reply headOnly(FuzzWorld.Target t, String path, int length) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            String head = t.route().method() + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n"
                    + (t.bearer() == null ? "" : "Authorization: Bearer " + t.bearer() + "\r\n") + "\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] lines = all.substring(0, end).split("\r\n");
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new java.util.ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            return new Api.Reply(Integer.parseInt(lines[0].split(" ")[1]), all.substring(end + 4),
                    java.net.http.HttpHeaders.of(headers, (a, v) -> true));
        }
    }

    private static boolean fewerRows(Map<String, String> before, Map<String, String> after, String table) {
        return Long.parseLong(after.get(table).split(":")[0]) < Long.parseLong(before.get(table).split(":")[0]);
    }

    /**
     * The database after the request. Behind a write-behind route an accepted request lands within a few flush
     * intervals, a refused one must not land at all: both are waited for.
     */
    private static Map<String, String> settled(FuzzWorld.Target t, Map<String, String> before, int status) throws Exception {
        if (!t.writesBehind()) {
            return db.take();
        }
        long until = System.nanoTime() + (status < 300 ? 2_000_000_000L : 60_000_000L);
        Map<String, String> after = db.take();
        while (System.nanoTime() < until && (status >= 300 || after.equals(before))) {
            Thread.sleep(10);
            after = db.take();
        }
        return after;
    }

    private static final Set<String> ERROR_KEYS = Set.of("error", "code", "field");
    private static final Set<String> CODES = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());

    private static void assertErrorShape(Request request, Api.Reply reply) {
        assertThat(reply.header("Content-Type").orElse("")).as("%s → %s", request, reply).startsWith("application/json");
        JsonNode json = reply.json();
        assertThat(json.isObject()).as("%s → %s", request, reply).isTrue();
        Set<String> keys = new java.util.HashSet<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(ERROR_KEYS).as("%s → %s", request, reply).containsAll(keys);
        assertThat(json.path("error").isTextual() && !json.path("error").asText().isBlank()).as("%s → %s", request, reply).isTrue();
        assertThat(json.path("code").asText()).as("%s → %s", request, reply).isIn(CODES);
        assertThat(json.path("field").isMissingNode() || json.path("field").isTextual()).as("%s → %s", request, reply).isTrue();
    }
}
