package io.aami.agent.probes;

import io.aami.contract.probes.HttpProbeRules;
import io.aami.contract.probes.ProbeReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP and HTTPS probes on the engine's selector loop, like TCP ones: no thread per probe however many are in
 * flight. Each hop is {@link TcpProber}'s connect (same bind rules, same connect failures), then for HTTPS a
 * handshake through {@link TlsIo} (certificate chain checked against the CA file or the system store, host name
 * checked as HTTPS clients do, against server_name or the target), then one HTTP/1.1 request with
 * {@code Connection: close} and the response read by {@link HttpResponseParser}. Phases measured: DNS (the engine),
 * TCP connect, TLS handshake, first byte (request sent → first response byte), total.
 *
 * <p>Outcomes: the transport's reasons, then {@code tls_error}, {@code certificate_expired},
 * {@code hostname_mismatch}, {@code http_error}, {@code redirect_loop}, {@code http_status}, {@code body_mismatch};
 * {@code ok} when the status is expected and the body (if asked) matches.
 */
final class HttpProber implements Prober {
    private static final Logger LOG = LoggerFactory.getLogger(HttpProber.class);
    private final TcpProber tcp;
    private final TlsContexts contexts;
    /** The system clock, as the JDK's certificate check uses (not the engine's, which tests may fix). */
    private final Clock clock;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(16 * 1024); // shared: the loop reads one socket at a time

    HttpProber(TcpProber tcp, TlsContexts contexts, Clock clock) {
        this.tcp = tcp;
        this.contexts = contexts;
        this.clock = clock;
    }

    @Override
    public Outcome start(ProbeAttempt a, Selector selector) {
        a.http = new HttpExchange(a.probe);
        a.selector = selector;
        return connect(a);
    }

    @Override
    public Outcome ready(ProbeAttempt a) {
        if (!a.http.connected) {
            Outcome o = tcp.ready(a);
            return o == null ? null : connected(a, o);
        }
        return step(a);
    }

    @Override
    public Outcome expired(ProbeAttempt a) {
        return Outcome.of(ProbeReason.TIMEOUT);
    }

    private Outcome connect(ProbeAttempt a) {
        Outcome o = tcp.start(a, a.selector);
        return o == null ? null : connected(a, o);
    }

    private Outcome connected(ProbeAttempt a, Outcome tcpOutcome) {
        HttpExchange x = a.http;
        if (tcpOutcome.connectNanos() > 0) {
            x.connectNanos += tcpOutcome.connectNanos();
        }
        if (tcpOutcome.reason() != ProbeReason.OK) {
            return tcpOutcome;
        }
        x.connected = true;
        if (x.tls) {
            try {
                x.tlsIo = new TlsIo(engine(a), (SocketChannel) a.channel);
                x.tlsIo.engine().beginHandshake();
            } catch (IOException | GeneralSecurityException e) {
                LOG.warn("https probe {}: cannot set up TLS ({}): {}", a.probe.target(), a.probe.http().caFile(), e.toString());
                return outcome(a, ProbeReason.TLS_ERROR);
            }
            x.tlsStartNanos = System.nanoTime();
        }
        return step(a);
    }

    private SSLEngine engine(ProbeAttempt a) throws IOException, GeneralSecurityException {
        HttpExchange x = a.http;
        SSLEngine engine = contexts.context(x.options.caFile()).createSSLEngine(x.peerHost(), x.port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!HttpExchange.literal(x.peerHost())) {
            params.setServerNames(List.of(new SNIHostName(x.peerHost())));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /** Handshake, send, read: as far as the socket allows, then waits for it (null) or ends the attempt. */
    private Outcome step(ProbeAttempt a) {
        HttpExchange x = a.http;
        SocketChannel ch = (SocketChannel) a.channel;
        try {
            if (x.tls && !x.handshook) {
                contexts.takeLeaf();
                TlsIo.Wait wait;
                try {
                    wait = x.tlsIo.handshake();
                } finally {
                    noteLeaf(x, contexts.takeLeaf());
                }
                if (wait != TlsIo.Wait.NONE) {
                    return await(a, wait);
                }
                x.handshook = true;
                x.tlsNanos += System.nanoTime() - x.tlsStartNanos;
                if (x.certNotAfter != null && x.certNotAfter.isBefore(clock.instant())) {
                    return outcome(a, ProbeReason.CERTIFICATE_EXPIRED); // trusted as an anchor, which PKIX does not date-check
                }
            }
            if (!x.sent) {
                TlsIo.Wait wait = x.tls ? x.tlsIo.write(x.request) : plainWrite(ch, x.request);
                if (wait != TlsIo.Wait.NONE) {
                    return await(a, wait);
                }
                x.sent = true;
                x.sentNanos = System.nanoTime();
            }
            return read(a, ch);
        } catch (SSLException e) {
            ProbeReason reason = HttpFailures.tlsReason(e);
            LOG.debug("https probe {}:{} failed: {} -> {}", a.probe.target(), x.port, e.toString(), reason.wire());
            return outcome(a, reason);
        } catch (HttpResponseParser.Malformed e) {
            LOG.debug("http probe {}:{}: {}", a.probe.target(), x.port, e.getMessage());
            return outcome(a, ProbeReason.HTTP_ERROR);
        } catch (IOException e) {
            // Reset or broken after the connect: the server dropped us mid-exchange.
            LOG.debug("http probe {}:{} failed: {}", a.probe.target(), x.port, e.toString());
            return outcome(a, ProbeReason.HTTP_ERROR);
        }
    }

    private Outcome read(ProbeAttempt a, SocketChannel ch) throws IOException, HttpResponseParser.Malformed {
        HttpExchange x = a.http;
        while (true) {
            int n;
            ByteBuffer data;
            if (x.tls) {
                n = x.tlsIo.read();
                data = n > 0 ? x.tlsIo.drain() : null;
            } else {
                readBuffer.clear();
                n = ch.read(readBuffer);
                data = n > 0 ? readBuffer.flip() : null;
            }
            if (n == 0) {
                return await(a, TlsIo.Wait.READ);
            }
            if (n < 0) {
                x.response.end();
                return responded(a);
            }
            if (x.firstByteNanos < 0) {
                x.firstByteNanos = System.nanoTime() - x.sentNanos;
            }
            boolean done = x.response.feed(data);
            if (x.tls) {
                x.tlsIo.drained();
            }
            if (done) {
                return responded(a);
            }
        }
    }

    private Outcome responded(ProbeAttempt a) {
        HttpExchange x = a.http;
        x.status = x.response.status();
        if (x.options.followRedirects() && HttpExchange.redirect(x.status) && x.response.location() != null) {
            switch (x.follow(x.response.location())) {
                case LOOP -> {
                    return outcome(a, ProbeReason.REDIRECT_LOOP);
                }
                case FOLLOW -> {
                    ProbeLoop.closeChannel(a);
                    a.channel = null;
                    return connect(a);
                }
                default -> {
                    // another host: judged as the final answer below
                }
            }
        }
        if (!HttpProbeRules.expected(x.options.expectedStatus(), x.status)) {
            return outcome(a, ProbeReason.HTTP_STATUS);
        }
        if (x.options.bodyRegex() != null && !BoundedMatch.find(x.options.bodyRegex(), x.response.body())) {
            return outcome(a, ProbeReason.BODY_MISMATCH);
        }
        return outcome(a, ProbeReason.OK);
    }

    private static TlsIo.Wait plainWrite(SocketChannel ch, ByteBuffer request) throws IOException {
        ch.write(request);
        return request.hasRemaining() ? TlsIo.Wait.WRITE : TlsIo.Wait.NONE;
    }

    private static Outcome await(ProbeAttempt a, TlsIo.Wait wait) throws IOException {
        int ops = wait == TlsIo.Wait.WRITE ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        SelectionKey key = a.channel.keyFor(a.selector);
        if (key == null) {
            a.channel.register(a.selector, ops, a);
        } else {
            key.interestOps(ops);
        }
        return null;
    }

    private static void noteLeaf(HttpExchange x, X509Certificate leaf) {
        if (leaf != null) {
            x.certNotAfter = leaf.getNotAfter().toInstant();
        }
    }

    private static Outcome outcome(ProbeAttempt a, ProbeReason reason) {
        return new Outcome(reason, a.http.connectNanos > 0 ? a.http.connectNanos : -1);
    }
}
