package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request the server is still reading when it stops is answered 503 with a Retry-After, never 500 (the client
 * would see an internal error) nor 400 (an agent drops a single result the server calls bad: a loss).
 */
class StopMidRequestTest {
    @Test
    void halfTheHeadersWhenTheServerStopsIs503WithRetryAfter() throws Exception {
        // Jetty closes the connections it is still reading when it stops; it answered such a request 500
        // (EofException), as one agent poll in a few hundred saw in the storm bench.
        String reply = stopWhileSending(server -> "GET /api/v1/checks/target/" + UUID.randomUUID() + "?wait=30s HTTP/1.1\r\nHost: a\r\n");
        assertRetryable(reply);
    }

    @Test
    void halfABatchOfResultsWhenTheServerStopsIs503WithRetryAfterNot400() throws Exception {
        String reply = stopWhileSending(server -> {
            EnrolledAgent a = Fixtures.enroll(server.api(), "cut-off", null);
            return "POST /api/v1/agents/" + a.id() + "/check-results HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + a.token()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"results\":[";
        });
        assertRetryable(reply);
    }

    private interface Request {
        String bytes(TestServer server);
    }

    /** Sends {@code request}'s bytes, never the rest, stops the server and returns what came back (maybe nothing). */
    private static String stopWhileSending(Request request) throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            String bytes = request.bytes(server);
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write(bytes.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
                String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                stopped.get(30, TimeUnit.SECONDS);
                return reply;
            }
        }
    }

    private static void assertRetryable(String reply) {
        if (!reply.isEmpty()) {
            // Closed without an answer is fine too (nothing was taken); an answer must be a retryable 503.
            assertThat(reply).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: ").contains("\"code\":\"SERVER_BUSY\"")
                    .doesNotContain("Exception");
        }
    }
}
