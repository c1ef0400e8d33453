package io.aami.terraform.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which CA the provider trusts for an https address: {@code ca_file}'s, or the CA the server serves at
 * {@code /api/v1/ca} accepted only when its SHA-256 equals {@code ca_cert_sha256} (as agents do), or,
 * with neither, the JDK's default trust store. With the aami CA, a server presenting an agent's certificate is refused
 * ({@link NotAnAgent}).
 */
public final class Trust {
    private Trust() {
    }

    /** The context for {@code settings}, or null for the JDK's default. */
    static SSLContext context(ProviderSettings settings) {
        try {
            if (settings.caFile() != null) {
                return trusting(parse(Files.readAllBytes(Path.of(settings.caFile()))));
            }
            if (settings.caSha256() != null) {
                X509Certificate ca = fetchCa(settings.address());
                String got = sha256Hex(ca);
                if (!got.equals(settings.caSha256())) {
                    throw new IllegalStateException("the server's CA certificate does not match ca_cert_sha256: it is "
                            + got + ", the pin is " + settings.caSha256());
                }
                return trusting(ca);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unusable CA certificate: " + e.getMessage(), e);
        }
    }

    public static String sha256Hex(X509Certificate cert) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    public static X509Certificate parse(byte[] pem) throws GeneralSecurityException {
        try (InputStream in = new ByteArrayInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /**
     * The CA the server serves. Fetched without checking the server's certificate: what is fetched is only
     * trusted after the pin check, and nothing secret is sent (no token) on this connection.
     */
    private static X509Certificate fetchCa(String address) throws IOException, GeneralSecurityException {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new AcceptAny()}, null);
        HttpClient c = HttpClient.newBuilder().sslContext(any).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<byte[]> r = c.send(HttpRequest.newBuilder(URI.create(address + "/api/v1/ca"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("GET /api/v1/ca answered " + r.statusCode());
            }
            return parse(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static SSLContext trusting(X509Certificate ca) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        ks.setCertificateEntry("aami-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x509) {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new NotAnAgent(x509)}, null);
                return ctx;
            }
        }
        throw new GeneralSecurityException("the trust manager factory offered no X509ExtendedTrustManager");
    }

    /** Only for fetching the CA that the pin then checks. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }
}
