package io.aami.agent.probes;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS contexts of HTTPS probes: one for the system trust store and one per CA file, kept (at most
 * {@link #MAX_CACHED}, least recently used out) while the file's modification time and size stay the same, so a
 * probe every second does not parse its CA file every second. Used only on the probe loop thread.
 *
 * <p>Every context's trust manager records the server's leaf certificate before checking it ({@link #takeLeaf}),
 * so a probe reports the certificate's not_after even when the chain is refused (expired, wrong name). The JDK runs
 * the check inside {@code SSLEngine} calls or their delegated tasks, which the prober runs inline on the loop thread,
 * so the leaf taken after a call belongs to the attempt that made it.
 */
final class TlsContexts {
    /** A CA bundle larger than this is not a CA bundle (the Mozilla one is about 220 KiB). */
    static final long MAX_CA_FILE_BYTES = 1L << 20;
    static final int MAX_CACHED = 64;

    private record Key(String path, long modified, long size) {
    }

    private final Map<Key, SSLContext> byFile = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, SSLContext> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private SSLContext system;
    private X509Certificate leaf;

    /** The context trusting {@code caFile}'s certificates, or the system store when null. */
    SSLContext context(String caFile) throws IOException, GeneralSecurityException {
        if (caFile == null) {
            if (system == null) {
                system = context((KeyStore) null);
            }
            return system;
        }
        Path path = Path.of(caFile).toRealPath();
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        // The agent runs as root and any local user may name a file: a FIFO, a device or a /proc file (size 0, and
        // some block when read, like /proc/kmsg) would stall the loop. Only a regular file of a sane size is read.
        if (!attrs.isRegularFile() || attrs.size() == 0 || attrs.size() > MAX_CA_FILE_BYTES
                || path.startsWith("/proc") || path.startsWith("/sys") || path.startsWith("/dev")) {
            throw new IOException("ca_file " + caFile + " is not a regular file of 1 to " + MAX_CA_FILE_BYTES + " bytes");
        }
        Key key = new Key(caFile, attrs.lastModifiedTime().toMillis(), attrs.size());
        SSLContext cached = byFile.get(key);
        if (cached == null) {
            cached = context(trustStore(path));
            byFile.put(key, cached);
        }
        return cached;
    }

    /** The leaf certificate the last handshake step presented, once; null if none was seen. */
    X509Certificate takeLeaf() {
        X509Certificate l = leaf;
        leaf = null;
        return l;
    }

    private static KeyStore trustStore(Path path) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) MAX_CA_FILE_BYTES); // bounded even if the file grew since its size was read
        }
        certs = CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes));
        if (certs.isEmpty()) {
            throw new CertificateException("ca_file " + path + " holds no certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("ca" + i++, c);
        }
        return store;
    }

    private SSLContext context(KeyStore trusted) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        X509ExtendedTrustManager delegate = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                delegate = x;
            }
        }
        if (delegate == null) {
            throw new GeneralSecurityException("no X509ExtendedTrustManager in " + tmf.getAlgorithm());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new Recording(delegate)}, null);
        return ctx;
    }

    /** Notes the leaf, then lets the JDK's manager decide (chain, validity, and the HTTPS host name check). */
    private final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            leaf = chain != null && chain.length > 0 ? chain[0] : null;
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            leaf = chain != null && chain.length > 0 ? chain[0] : null;
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            leaf = chain != null && chain.length > 0 ? chain[0] : null;
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a probe is never a TLS server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a probe is never a TLS server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a probe is never a TLS server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
