package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS session from before a restart resumes on the restarted server (issue 13 scenario 8, issue 14 benchmark 7): the
 * session-ticket key is kept in {@code pki/session-ticket.key} (0600), so an agent's ticket still decrypts and its first
 * reconnection needs no certificate signature or chain check. The JDK marks nothing as resumed; a resumed session keeps
 * the values bound to the one it resumes, which is how this test (and the storm benchmark) tells.
 */
class SessionTicketsTest {
    private static final String MARK = "aami-test.first-session";

    @TempDir
    Path dir;

    @Test
    void aSessionFromBeforeARestartResumesOnTheRestartedServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = Map.of("AAMI_TLS", "on", "AAMI_LISTEN", "127.0.0.1:" + port, "AAMI_DATA_DIR", dir.toString());
        TestDatabase.Coordinates db = TestDatabase.fresh();
        SSLContext client;
        try (TestServer first = TestServer.start(env, db, Clock.systemUTC())) {
            client = TlsTestClients.context(first.caCertificate(), null);
            SSLSession before = exchange(client, port);
            before.putValue(MARK, Boolean.TRUE);
            assertThat(exchange(client, port).getValue(MARK)).as("resumed within one server's life").isEqualTo(Boolean.TRUE);
        }
        Path key = dir.resolve("pki").resolve("session-ticket.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        try (TestServer second = TestServer.start(env, db, Clock.systemUTC())) {
            SSLSession after = exchange(client, port);
            assertThat(after.getProtocol()).isEqualTo("TLSv1.3");
            assertThat(after.getValue(MARK)).as("the first server's session resumed by the second").isEqualTo(Boolean.TRUE);
        }
    }

    @Test
    void theKeyIdIsTheSameForTheSameKeyOnEveryReplica() {
        byte[] key = new byte[32];
        key[0] = 7;
        assertThat(SessionTickets.keyId(key)).isEqualTo(SessionTickets.keyId(key.clone()));
        key[31] = 1;
        assertThat(SessionTickets.keyId(key)).isNotEqualTo(SessionTickets.keyId(new byte[32]));
    }

    /** One GET /health on a new connection, read to the end so the server's NewSessionTicket is taken in; its session. */
    private static SSLSession exchange(SSLContext client, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000); // a full handshake on a loaded build machine
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200");
            return socket.getSession();
        }
    }
}
