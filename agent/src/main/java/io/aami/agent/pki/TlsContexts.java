package io.aami.agent.pki;

import io.aami.common.pki.PkiException;
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
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The agent's TLS client contexts. They trust exactly one CA (never the system store, which would
 * let any public CA vouch for a fake config-server) and leave hostname verification to the JDK
 * HttpClient, which turns it on by default.
 *
 * <p>Wiring: {@code HttpClient.newBuilder().sslContext(ctx).sslParameters(TlsContexts.clientParameters(ctx))};
 * the parameters restrict the protocols to {@link #PROTOCOLS}.
 */
public final class TlsContexts {
    /** TLS 1.3 preferred; 1.2 allowed so the server decides. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsContexts() {
    }

    /** Trusts only {@code ca}; presents whatever {@code keyManager} holds at each handshake. */
    public static SSLContext client(X509Certificate ca, ReloadableKeyManager keyManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // null: the JDK's own TLS randomness, which is what every TLS stack in the process uses.
            ctx.init(new KeyManager[] {keyManager}, new TrustManager[] {trusting(ca)}, null);
            keyManager.attach(ctx.getClientSessionContext());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * For enrollment before the CA is known: trusts a server whose presented chain contains the CA
     * with SHA-256 {@code pin} (see {@link CaPin}); presents no client certificate.
     *
     * @throws PkiException if the pin is malformed
     */
    public static SSLContext pinned(String pin) {
        PinnedTrustManager trust = new PinnedTrustManager(pin);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[0], new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS bootstrap context: " + e.getMessage(), e);
        }
    }

    /** {@code ctx}'s default parameters restricted to {@link #PROTOCOLS}. */
    public static SSLParameters clientParameters(SSLContext ctx) {
        SSLParameters params = ctx.getDefaultSSLParameters();
        List<String> supported = Arrays.asList(ctx.getSupportedSSLParameters().getProtocols());
        params.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        return params;
    }

    /**
     * Trusts a server whose chain validates up to {@code ca} and whose leaf is not an agent's certificate
     * ({@link ServerNotAnAgent}); every server trust goes through here, the pinned first contact's included.
     */
    static X509ExtendedTrustManager trusting(X509Certificate ca) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot initialise an empty key store", e);
        }
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x509) {
                return new ServerNotAnAgent(x509);
            }
        }
        throw new GeneralSecurityException("the PKIX trust manager factory offered no X509ExtendedTrustManager");
    }
}
