package io.aami.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.io.ssl.SslClientConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Lets one Jetty {@code HttpClient} (one selector, one executor, one buffer pool) speak mutual TLS
 * as thousands of agents. Each request is tagged with its agent's id, so Jetty keeps a separate
 * destination, and so separate connections, per agent (a connection authenticated as one agent is
 * never reused for another); when a connection opens, Jetty asks this factory for its engine
 * ({@link SslClientConnectionFactory.SslEngineFactory}), and the engine comes from the tagged agent's
 * own {@code SSLContext}. Per-agent contexts also keep TLS session caches apart: a session resumed
 * from another agent's cache would carry that agent's certificate.
 */
final class PerAgentSslContextFactory extends SslContextFactory.Client implements SslClientConnectionFactory.SslEngineFactory {
    private final Map<Object, SSLContext> contexts = new ConcurrentHashMap<>();

    /** @param trustOnly a context that trusts the server's CA and presents nothing (untagged requests) */
    PerAgentSslContextFactory(SSLContext trustOnly) {
        setSslContext(trustOnly);
        setEndpointIdentificationAlgorithm("HTTPS");
    }

    void register(Object tag, SSLContext context) {
        contexts.put(tag, context);
    }

    void forget(Object tag) {
        contexts.remove(tag);
    }

    @Override
    public SSLEngine newSslEngine(String host, int port, Map<String, Object> context) {
        Destination destination = (Destination) context.get(Destination.CONTEXT_KEY);
        Object tag = destination == null ? null : destination.getOrigin().getTag();
        SSLContext agent = tag == null ? null : contexts.get(tag);
        if (agent == null) {
            return newSSLEngine(host, port);
        }
        SSLEngine engine = agent.createSSLEngine(host, port);
        customize(engine);
        return engine;
    }
}
