package io.aami.agent.pki;

import io.aami.server.pki.AgentCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A plain JDK TLS server on the loopback interface, standing in for the config-server: it completes
 * one handshake per connection, records what it saw, answers one line and hangs up.
 */
final class LoopbackTlsServer implements AutoCloseable {
    /** What the server saw on one connection: the negotiated protocol and the client's certificate, or the failure. */
    record Seen(String protocol, X509Certificate clientCert, UUID agentId, String failure) {
    }

    private final SSLServerSocket socket;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    LoopbackTlsServer(SSLContext ctx, boolean needClientAuth) throws IOException {
        socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        if (needClientAuth) {
            socket.setNeedClientAuth(true);
        } else {
            socket.setWantClientAuth(true);
        }
        acceptor = new Thread(this::serve, "loopback-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The next connection's record; fails the test if none arrives in time. */
    Seen next() throws InterruptedException {
        Seen s = seen.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the server saw no connection");
        }
        return s;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (SSLSocket client = (SSLSocket) socket.accept()) {
                client.setSoTimeout(10_000);
                Seen s = handshake(client);
                seen.add(s);
                if (s.failure() != null) {
                    continue;
                }
                OutputStream out = client.getOutputStream();
                out.write(((s.agentId() == null ? "anonymous" : s.agentId().toString()) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // The failure has been recorded by handshake(); keep serving.
            }
        }
    }

    private Seen handshake(SSLSocket client) {
        try {
            client.startHandshake();
            String protocol = client.getSession().getProtocol();
            try {
                Certificate[] peer = client.getSession().getPeerCertificates();
                X509Certificate leaf = (X509Certificate) peer[0];
                return new Seen(protocol, leaf, AgentCertificates.agentIdOf(leaf), null);
            } catch (SSLPeerUnverifiedException anonymous) {
                return new Seen(protocol, null, null, null);
            }
        } catch (IOException | RuntimeException e) {
            return new Seen(null, null, null, String.valueOf(e));
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        acceptor.join(5_000);
    }
}
