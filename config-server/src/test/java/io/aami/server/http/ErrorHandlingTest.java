package io.aami.server.http;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ErrorHandlingTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    private static void assertError(Api.Reply r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("error").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(r.header("Content-Type").orElse("")).startsWith("application/json");
    }

    @Test
    void unknownRouteIsJson404() {
        assertError(api.get("/api/v1/nothing-here", ADMIN), 404, "NOT_FOUND");
        assertError(api.get("/nothing", null), 404, "NOT_FOUND");
    }

    @Test
    void malformedJsonIs400() {
        assertError(api.post("/api/v1/groups", "{\"name\": ", ADMIN), 400, "MALFORMED_JSON");
        assertError(api.post("/api/v1/groups", "not json", ADMIN), 400, "MALFORMED_JSON");
        assertError(api.post("/api/v1/groups", "", ADMIN), 400, "MALFORMED_JSON");
        assertError(api.post("/api/v1/groups", "null", ADMIN), 400, "MALFORMED_JSON");
        assertError(api.post("/api/v1/groups", "{\"name\":\"a\"} trailing", ADMIN), 400, "MALFORMED_JSON");
        assertError(api.post("/api/v1/groups", "[1,2]", ADMIN), 400, "MALFORMED_JSON");
    }

    @Test
    void wrongTypeNamesTheField() {
        Api.Reply r = api.post("/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":\"many\"}", ADMIN);
        assertError(r, 400, "VALIDATION_FAILED");
        assertThat(r.json().get("field").asText()).isEqualTo("max_uses");
        assertThat(r.json().get("error").asText()).contains("whole number");
    }

    @Test
    void deeplyNestedJsonIs400() {
        String deep = "{\"name\":\"x\",\"extra\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertError(api.post("/api/v1/groups", deep, ADMIN), 400, "MALFORMED_JSON");
    }

    @Test
    void oversizedBodyIs413EvenWhenGzipped() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertError(api.post("/api/v1/groups", big, ADMIN), 413, "PAYLOAD_TOO_LARGE");
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(big.getBytes());
        }
        assertThat(zipped.size()).isLessThan(1024 * 1024);
        assertError(api.send("POST", "/api/v1/groups", zipped.toByteArray(), ADMIN, "Content-Encoding", "gzip"),
                413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void gzipBodiesWithinTheLimitAreAccepted() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write("{\"name\":\"zipped\"}".getBytes());
        }
        assertThat(api.send("POST", "/api/v1/groups", zipped.toByteArray(), ADMIN, "Content-Encoding", "gzip").status())
                .isEqualTo(201);
        assertError(api.send("POST", "/api/v1/groups", "{}", ADMIN, "Content-Encoding", "br"), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    /** Raw bytes to the server; its whole answer (it closes after a malformed request). */
    private static String raw(String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.running().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "GARBAGE\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
            "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET /api/v1/groups/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /api/v1/groups/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /api/v1/groups HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n",
            "POST /api/v1/groups HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
            "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: HUGE\r\n\r\n"})
    void malformedHttpGetsTheJsonErrorBody(String request) throws Exception {
        String reply = raw(request.replace("HUGE", "x".repeat(64 * 1024)));
        assertThat(reply).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
        assertThat(reply.toLowerCase()).contains("content-type: application/json").contains("connection: close");
        assertThat(reply).contains("\"code\":\"").contains("\"error\":\"").doesNotContain("<html").doesNotContain("Exception");
    }

    @Test
    void noServerVersionHeader() {
        Api.Reply r = api.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Server")).isEmpty();
        assertThat(r.header("X-Request-Id")).isPresent();
    }
}
