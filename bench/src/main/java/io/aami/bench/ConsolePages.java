package io.aami.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A browser of the console for {@code console}: a viewer made with the admin token, logged in once
 * ({@code POST /api/v1/login/session}), then pages fetched with its {@code aami_session} cookie over one keep-alive
 * connection, each timed from the request to its last byte.
 */
final class ConsolePages {
    /** One answer: its status, size and the nanoseconds from sending the request to reading its last byte. */
    record Answer(int status, int bytes, long nanos, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private String cookie;

    ConsolePages(URI base) {
        this.base = base;
    }

    /** Makes a viewer with the admin token and logs it in; its session cookie is used from then on. */
    void login(String adminToken) throws IOException, InterruptedException {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = "bench-" + HexFormat.of().formatHex(secret);
        String user = "{\"name\":\"bench-viewer\",\"role\":\"viewer\",\"password\":\"" + password + "\"}";
        HttpResponse<String> made = http.send(json("/api/v1/users", user).header("Authorization", "Bearer " + adminToken).build(),
                HttpResponse.BodyHandlers.ofString());
        if (made.statusCode() != 201) {
            throw new IOException("the viewer was not created: " + made.statusCode() + " " + made.body());
        }
        HttpResponse<String> in = http.send(json("/api/v1/login/session", "{\"user\":\"bench-viewer\",\"password\":\"" + password
                + "\"}").build(), HttpResponse.BodyHandlers.ofString());
        String set = in.headers().firstValue("Set-Cookie").orElse("");
        if (in.statusCode() != 201 || !set.startsWith("aami_session=")) {
            throw new IOException("the viewer could not log in: " + in.statusCode() + " " + in.body());
        }
        cookie = set.substring(0, set.indexOf(';'));
    }

    /** GET {@code path} with the session, timed to its last byte. */
    Answer get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).header("Cookie", cookie)
                .header("Accept", path.startsWith("/api/") ? "application/json" : "text/html").GET().build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        long nanos = System.nanoTime() - t0;
        return new Answer(r.statusCode(), r.body().length, nanos, new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
