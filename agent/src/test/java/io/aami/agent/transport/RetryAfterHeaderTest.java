package io.aami.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.aami.common.json.WireJson;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the agent reads a server's {@code Retry-After}, over a real socket: delay-seconds only. */
class RetryAfterHeaderTest {
    private HttpServer server;
    private volatile String header;
    private RestTransport transport;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "{\"error\":\"busy\",\"code\":\"SERVER_BUSY\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("Retry-After", header);
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Supplier<HttpClient> same = () -> http;
        transport = new RestTransport(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new HttpClients.Set(same, same, same, false), WireJson.mapper(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws Exception {
        transport.close();
        server.stop(0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "7                      | 7",
        "' 12 '                 | 12",
        "0                      | 0",
        "-5                     | ",
        "+5                     | ",
        "1e3                    | ",
        "Wed, 21 Oct 2015 07:28:00 GMT | ",
        "99999999999999999999   | ",
    })
    void onlyNonNegativeDelaySecondsAreRead(String value, Long expectedSeconds) {
        header = value;
        TransportException e = catchThrowableOfType(TransportException.class, transport::fetchPolicyKey);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfter()).isEqualTo(expectedSeconds == null ? null : Duration.ofSeconds(expectedSeconds));
    }
}
