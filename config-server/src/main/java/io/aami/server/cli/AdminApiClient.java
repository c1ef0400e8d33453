package io.aami.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.contract.ErrorBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Posts one request to a running server's admin API with the admin token (a bootstrap token for {@code token
 * create}, a user for {@code user add}). Every connection attempt and every read is bounded by what
 * is left until the deadline (socket timeouts, so the client's own start-up on a cold JVM does not count
 * against the server); a server that is down or answers 503 (starting: its database is not up) is asked
 * again until the deadline. Anything else is answered at once.
 */
final class AdminApiClient {
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final ObjectMapper mapper;
    private final Clock clock;

    AdminApiClient(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    private record Answer(int status, byte[] body) {
    }

    /**
     * POSTs {@code req} to {@code path} and reads the 201 answer as {@code type}. {@code caCert} is used (and
     * needed) only for an {@code https} server; {@code wait} starts with the first call.
     */
    <T> T create(URI server, Path caCert, String adminToken, String path, Object req, Class<T> type, Duration wait)
            throws CommandFailure, InterruptedException {
        SSLSocketFactory tls = "https".equals(server.getScheme()) ? trusting(caCert).getSocketFactory() : null;
        byte[] body = encode(req);
        Instant deadline = clock.instant().plus(wait);
        String lastProblem;
        while (true) {
            Answer answer = post(server.resolve(path), tls, adminToken, body, deadline);
            if (answer == null) {
                lastProblem = "nothing listens there";
            } else if (answer.status() == 201) {
                return read(answer.body(), type);
            } else if (answer.status() == 503) {
                lastProblem = "it answered 503 (not ready: its database is not up yet)";
            } else {
                throw refused(answer, server);
            }
            if (!clock.instant().plus(RETRY_PAUSE).isBefore(deadline)) {
                throw new CommandFailure("no config-server is ready at " + server + ": " + lastProblem
                        + ". Start the server, or point the command at it: --server URL, or " + ServerSetup.HINT
                        + "; --wait DURATION waits longer for a server that is starting");
            }
            Thread.sleep(RETRY_PAUSE.toMillis());
        }
    }

    /** The answer, or null when nothing accepts the connection; a timeout is a failure. */
    private Answer post(URI url, SSLSocketFactory tls, String adminToken, byte[] body, Instant deadline) throws CommandFailure {
        int timeout = (int) Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls);
            }
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Authorization", "Bearer " + adminToken);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                return new Answer(status, in == null ? new byte[0] : in.readAllBytes());
            }
        } catch (ConnectException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new CommandFailure("the config-server at " + url + " did not answer within " + timeout + " ms (--wait)");
        } catch (SSLException e) {
            throw new CommandFailure("TLS with " + url + " failed (" + e.getMessage() + "): its certificate does"
                    + " not chain to the CA this command trusts; pass --ca-cert FILE, or " + ServerSetup.HINT);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandFailure("cannot reach the config-server at " + url + ": " + e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private byte[] encode(Object req) throws CommandFailure {
        try {
            return mapper.writeValueAsBytes(req);
        } catch (IOException e) {
            throw new CommandFailure("cannot encode the request: " + e.getMessage());
        }
    }

    private CommandFailure refused(Answer resp, URI server) throws CommandFailure {
        String error = resp.body().length == 0 ? "" : ": " + read(resp.body(), ErrorBody.class).error();
        if (resp.status() == 401) {
            return new CommandFailure("the config-server at " + server + " refused the admin token (401" + error
                    + "): it is not that server's; " + ServerSetup.HINT + ", or set AAMI_ADMIN_TOKEN");
        }
        return new CommandFailure("the config-server at " + server + " answered " + resp.status() + error);
    }

    private <T> T read(byte[] body, Class<T> type) throws CommandFailure {
        try {
            return mapper.readValue(body, type);
        } catch (IOException e) {
            throw new CommandFailure("unexpected answer from the config-server: " + e.getMessage());
        }
    }

    /** Trusts exactly the server's CA (never the system store). */
    private static SSLContext trusting(Path caCert) throws CommandFailure {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", Pem.readCertificate(caCert));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException | PkiException e) {
            throw new CommandFailure("cannot trust the CA in " + caCert + ": " + e.getMessage());
        }
    }
}
