package io.aami.agent.transport;

import io.aami.agent.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the one HTTP client the agent uses to reach the server. */
public final class HttpClients {
    private HttpClients() {
    }

    public static URI baseUri(AgentConfig.Server server) {
        return URI.create((server.tls().enabled() ? "https://" : "http://") + server.address());
    }

    public static HttpClient create(AgentConfig cfg) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(cfg.heartbeat().timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        AgentConfig.Tls tls = cfg.server().tls();
        if (tls.enabled() && tls.caCert() != null) {
            b.sslContext(trusting(tls));
        }
        return b.build();
    }

    private static SSLContext trusting(AgentConfig.Tls tls) {
        try (InputStream in = Files.newInputStream(tls.caCert())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read server.tls.ca_cert " + tls.caCert(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("server.tls.ca_cert " + tls.caCert() + " is not a usable PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The default per-request timeout for short calls. */
    public static Duration requestTimeout(AgentConfig cfg) {
        return cfg.heartbeat().timeout();
    }
}
