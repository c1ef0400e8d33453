package io.aami.agent.probes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * An {@link SSLEngine} over one non-blocking socket, for the probe loop: every call does what it can without
 * blocking and says whether it waits for the socket to become readable or writable. Delegated tasks (certificate
 * checks) run inline: a probe's handshake costs the loop what it costs any TLS client, and {@link TlsContexts}
 * relies on it to attribute the leaf certificate.
 */
final class TlsIo {
    enum Wait { NONE, READ, WRITE }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private final SSLEngine engine;
    private final SocketChannel channel;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    /** Decrypted bytes, in write mode; the caller drains them ({@link #drain}). */
    private final ByteBuffer appIn;

    TlsIo(SSLEngine engine, SocketChannel channel) {
        this.engine = engine;
        this.channel = channel;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    SSLEngine engine() {
        return engine;
    }

    /** Drives the handshake: NONE when it is complete. */
    Wait handshake() throws IOException {
        while (true) {
            if (!flush()) {
                return Wait.WRITE;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> check(engine.wrap(EMPTY, netOut));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrap()) {
                        int n = channel.read(netIn);
                        if (n < 0) {
                            throw new SSLException("the server closed the connection during the TLS handshake");
                        }
                        if (n == 0) {
                            return Wait.READ;
                        }
                    }
                }
                default -> {
                    return Wait.NONE;
                }
            }
        }
    }

    /** Encrypts and sends {@code app}: NONE once all of it is on the wire. */
    Wait write(ByteBuffer app) throws IOException {
        while (true) {
            if (!flush()) {
                return Wait.WRITE;
            }
            if (!app.hasRemaining()) {
                return Wait.NONE;
            }
            check(engine.wrap(app, netOut));
        }
    }

    /**
     * Reads and decrypts what the socket has: the number of plaintext bytes now in {@link #drain}'s buffer, 0 when
     * the socket has nothing yet, -1 at the end of the stream (close_notify or the socket's end).
     */
    int read() throws IOException {
        while (true) {
            if (appIn.position() > 0) {
                return appIn.position();
            }
            if (engine.isInboundDone()) {
                return -1;
            }
            if (!unwrap()) {
                int n = channel.read(netIn);
                if (n < 0) {
                    return -1;
                }
                if (n == 0) {
                    return 0;
                }
            } else if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                check(engine.wrap(EMPTY, netOut)); // a TLS 1.3 key update answer; sent with the next flush
                flush();
            }
        }
    }

    /** The decrypted bytes, flipped for reading; call {@link #drained} after consuming them. */
    ByteBuffer drain() {
        return appIn.flip();
    }

    void drained() {
        appIn.clear();
    }

    /** One unwrap of the buffered input: false when it needs more bytes from the socket. */
    private boolean unwrap() throws SSLException {
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            if (!netIn.hasRemaining()) {
                throw new SSLException("a TLS record larger than the negotiated packet size");
            }
            return false;
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("decrypted data larger than the application buffer");
        }
        return true;
    }

    private boolean flush() throws IOException {
        if (netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        try {
            channel.write(netOut);
        } finally {
            netOut.compact();
        }
        return netOut.position() == 0;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static void check(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS engine closed during the exchange");
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("a TLS record larger than the packet buffer");
        }
    }
}
