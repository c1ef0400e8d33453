package io.aami.agent.api;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.pki.FileKeyManager;
import io.aami.common.pki.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API's TLS ({@code api.tls}): TLS 1.3 or 1.2 only; the certificate and key re-read from their files when
 * they change ({@link FileKeyManager}, so a renewed agent certificate is presented without a restart); with
 * {@code api.tls.client_ca_file}, a client certificate that CA signed is required in the handshake, before any
 * request is read (the token rules of {@link ApiAccess} still apply on top).
 */
final class ApiTlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTlsContext.class);
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private ApiTlsContext() {
    }

    static HttpsConfigurator configurator(AgentConfig.ApiTls cfg) {
        SSLContext ctx = context(cfg);
        boolean clientAuth = cfg.clientCaFile() != null;
        return new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                List<String> supported = Arrays.asList(ctx.getSupportedSSLParameters().getProtocols());
                p.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
                // Set after the protocols: setNeedClientAuth(false) also clears "want", so no client is asked.
                p.setNeedClientAuth(clientAuth);
                params.setSSLParameters(p);
            }
        };
    }

    private static SSLContext context(AgentConfig.ApiTls cfg) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            TrustManager[] trust = cfg.clientCaFile() == null ? new TrustManager[0]
                    : trusting(Pem.readCertificates(cfg.clientCaFile()));
            FileKeyManager keys = new FileKeyManager(cfg.certFile(), cfg.keyFile());
            if (keys.certificate() == null) {
                // The agent's own pair appears at enrollment; until then every handshake fails.
                LOG.warn("local API TLS: no certificate in {} yet (the agent's own appears once it enrolls); HTTPS"
                        + " handshakes fail until then", cfg.certFile());
            }
            ctx.init(new KeyManager[] {keys}, trust, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("local API: cannot build the TLS context (api.tls): " + e.getMessage(), e);
        }
    }

    /** Trusts exactly the certificates in {@code api.tls.client_ca_file}, never the system store. */
    private static TrustManager[] trusting(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("client-ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        return tmf.getTrustManagers();
    }
}
