package io.aami.bench;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts of the fleet: all trust the server's CA only; each agent's presents its own certificate. */
final class FleetTls {
    private final TrustManager[] trust;
    private final SecureRandom random;

    FleetTls(X509Certificate ca, SecureRandom random) {
        this.random = random;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            this.trust = tmf.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot trust the server's CA: " + e.getMessage(), e);
        }
    }

    /** Trusts the CA, presents nothing: enrollment and the admin API. */
    SSLContext trustOnly() {
        return context(null);
    }

    SSLContext agent(KeyPair key, X509Certificate[] chain) {
        return context(new KeyManager[] {new ClientIdentityKeyManager(key.getPrivate(), chain)});
    }

    private SSLContext context(KeyManager[] keys) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(keys, trust, random);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }
}
