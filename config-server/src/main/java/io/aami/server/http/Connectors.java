package io.aami.server.http;

import io.aami.server.config.ServerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The one listening connector: HTTP/1.1 only (no HTTP/2), plain when TLS is off, else TLS 1.3
 * (1.2 only if configured) with the server certificate, asking for — not requiring — a client
 * certificate from our CA: enrollment, the CA endpoint and health need none, agent endpoints refuse
 * requests without one. Sessions are cached so a reconnecting fleet resumes instead of handshaking (after a restart
 * too, and on another replica: the tickets' key is kept, {@link SessionTickets}), and
 * handshakes in progress are bounded ({@link HandshakeLimit}) so a storm of them cannot collapse it.
 */
final class Connectors {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connectors.class);
    /** Long enough for a long poll, short enough that idle or half-open connections are reclaimed. */
    private static final long IDLE_SLACK_MS = 60_000;

    private Connectors() {
    }

    static Connector create(Server server, HttpConfiguration http, ServerConfig cfg, TlsMaterial tls, PrometheusRegistry registry) {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector;
        if (tls != null) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Agents reach the server by address as often as by name; the certificate check is theirs.
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            connector = new ServerConnector(server, new SslConnectionFactory(sslContext(cfg, tls), "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        if (tls != null) {
            connector.addBean(new HandshakeTimeout(connector.getScheduler(), cfg.http().tlsHandshakeTimeout()));
            connector.addBean(new HandshakeLimit(connector, cfg.http().maxTlsHandshakes(), cfg.http().maxTlsHandshakesPerAddress(),
                    cfg.http().tlsHandshakeTimeout(), registry));
        }
        connector.addBean(new HeaderDeadline(connector.getScheduler(), cfg.http().headerReadTimeout()));
        connector.setAcceptQueueSize(cfg.http().acceptQueue());
        connector.setHost(cfg.listen().host());
        connector.setPort(cfg.listen().port());
        connector.setIdleTimeout(cfg.policy().maxWait().toMillis() + IDLE_SLACK_MS);
        return connector;
    }

    private static SslContextFactory.Server sslContext(ServerConfig cfg, TlsMaterial tls) {
        String password = Long.toHexString(new SecureRandom().nextLong());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        // Once started: while it starts, the factory hands out no SSLContext yet.
        ssl.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                byte[] key = tls.sessionTicketKey();
                if (key != null && SessionTickets.install(ssl.getSslContext(), key)) {
                    LOG.info("TLS session tickets encrypted with the kept key: sessions resume across restarts and replicas");
                }
            }
        });
        ssl.setKeyStore(tls.keyStore(password.toCharArray()));
        ssl.setKeyStorePassword(password);
        ssl.setTrustStore(tls.trustStore());
        ssl.setWantClientAuth(true);
        ssl.setIncludeProtocols(cfg.tls().protocols().toArray(String[]::new));
        ssl.setSniRequired(false);
        // TLS 1.3 has none; with TLS 1.2 allowed, a renegotiation would be a handshake HandshakeLimit does not count.
        ssl.setRenegotiationAllowed(false);
        ssl.setSslSessionCacheSize(100_000);
        ssl.setSslSessionTimeout(24 * 3600);
        return ssl;
    }
}
