package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.bench.Stats.Endpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's requests as the real agent sends them, read off a plain socket. */
class FleetHttpTest {
    @Test
    @Timeout(20)
    void asksForNoContentEncodingAsTheAgentsJdkClientDoesNot() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             FleetHttp http = new FleetHttp(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/"), null, new Stats())) {
            CompletableFuture<FleetHttp.Answer> answer = new CompletableFuture<>();
            http.send("agent-1", Endpoint.POLICY_FETCH, "GET", "/api/v1/checks/target/x", null, "token", null,
                    Duration.ofSeconds(10), answer::complete);
            List<String> headers = new ArrayList<>();
            try (Socket s = listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    headers.add(line.toLowerCase(Locale.ROOT));
                }
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            // A server gzips a large answer only when asked; the agent never asks, so neither may its simulation.
            assertThat(headers).anyMatch(h -> h.startsWith("get /api/v1/checks/target/x"))
                    .noneMatch(h -> h.startsWith("accept-encoding"));
        }
    }
}
