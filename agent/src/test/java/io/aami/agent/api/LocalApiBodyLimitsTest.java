package io.aami.agent.api;

import io.aami.agent.testing.Scrapes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JavaType;
import io.aami.agent.config.AgentConfig;
import io.aami.common.json.WireJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The heap bounds of request bodies over a real socket: concurrent body slots and each route's {@link BodyLimits}. */
class LocalApiBodyLimitsTest {
    static final BodyLimits SMALL = new BodyLimits(1024, 3, 100,
            LocalApiException.badRequest("TOO_MANY_THINGS", "at most 3 things"));

    final PrometheusRegistry registry = new PrometheusRegistry();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch holding = new CountDownLatch(BodyPool.PROBES.slots());
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    LocalApi api;

    @AfterEach
    void stop() {
        release.countDown();
        if (api != null) {
            api.close();
        }
    }

    void start() {
        JavaType anyList = WireJson.mapper().getTypeFactory().constructCollectionType(List.class, Object.class);
        Map<String, LocalApi.Endpoint> routes = Map.of(
                "/hold", new LocalApi.Endpoint(Set.of("POST"), ex -> {
                    ex.body(anyList, SMALL);
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.json(200, Map.of("held", true));
                }),
                "/things", new LocalApi.Endpoint(Set.of("POST"), ex -> ex.json(200, Map.of("n", ex.<List<?>>body(anyList, SMALL).size()))),
                "/ping", new LocalApi.Endpoint(Set.of("GET"), ex -> ex.json(200, Map.of("ok", true))));
        api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, null), WireJson.mapper(), routes, Executors.newFixedThreadPool(6),
                new LocalApiMetrics(registry));
    }

    HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    HttpResponse<String> send(HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    String metrics() throws Exception {
        return Scrapes.text(registry);
    }

    @Test
    void whileEveryBodySlotIsTakenABodyIsRefused503UnreadAndGetsStillAnswer() throws Exception {
        start();
        List<CompletableFuture<HttpResponse<String>>> held = List.of(
                http.sendAsync(post("/hold", "[1]"), HttpResponse.BodyHandlers.ofString()),
                http.sendAsync(post("/hold", "[2]"), HttpResponse.BodyHandlers.ofString()));
        assertThat(holding.await(10, TimeUnit.SECONDS)).as("both requests hold a slot").isTrue();

        long start = System.nanoTime();
        HttpResponse<String> busy = send(post("/things", "[1,2]"));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
        assertThat(busy.body()).contains("\"code\":\"BUSY\"");
        assertThat(busy.headers().firstValue("Retry-After")).contains("1");
        assertThat(waitedMs).as("a short wait, then the refusal").isBetween(BodySlots.WAIT_MILLIS - 50, 5_000L);
        HttpResponse<String> ping = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/ping")).build());
        assertThat(ping.statusCode()).as("a request without a body needs no slot").isEqualTo(200);
        assertThat(metrics()).contains("aami_agent_local_api_refused_total{code=\"BUSY\"} 1.0");

        release.countDown();
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(send(post("/things", "[1,2]")).body()).as("slots are given back").isEqualTo("{\"n\":2}");
    }

    @Test
    void aBodyIsRefusedAtTheFirstLimitItPasses() throws Exception {
        start();
        assertThat(send(post("/things", "[{},{},{}]")).body()).isEqualTo("{\"n\":3}");
        record Case(String body, int status, String code) {
        }
        for (Case c : List.of(
                new Case("[{},{},{},{}]", 400, "TOO_MANY_THINGS"),
                new Case("[[1,2,3,4]]", 400, "TOO_MANY_THINGS"),
                new Case("[{\"a\":[[],[],[],[]]}]", 400, "TOO_MANY_THINGS"),
                new Case("[\"" + "s".repeat(101) + "\"]", 400, "MALFORMED_JSON"),
                new Case("[" + " ".repeat(1024) + "]", 413, "PAYLOAD_TOO_LARGE"),
                new Case("", 400, "MALFORMED_JSON"))) {
            HttpResponse<String> r = send(post("/things", c.body()));
            assertThat(r.statusCode()).as(c.body().length() > 40 ? c.body().substring(0, 40) : c.body()).isEqualTo(c.status());
            assertThat(r.body()).contains("\"code\":\"" + c.code() + "\"");
            if (c.body().startsWith("[\"s")) {
                assertThat(r.body()).contains("strings of at most 100 characters");
            }
        }
        assertThat(metrics()).contains("aami_agent_local_api_refused_total{code=\"TOO_MANY_THINGS\"} 3.0");
    }
}
