package io.aami.terraform.plugin;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a client whose certificate is one of those Terraform passed in {@code PLUGIN_CLIENT_CERT}, byte for
 * byte and within its validity, and nobody else (go-plugin's own rule: those certificates are the only roots).
 * TLS itself has checked that the client holds the certificate's key. Never trusts a server: the plugin only
 * accepts connections.
 */
final class TerraformOnly extends X509ExtendedTrustManager {
    private final List<X509Certificate> trusted;

    TerraformOnly(List<X509Certificate> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        // X509Certificate.equals compares the encoded certificates.
        if (chain == null || chain.length == 0 || !trusted.contains(chain[0])) {
            throw new CertificateException("the client certificate is not the one Terraform passed in PLUGIN_CLIENT_CERT");
        }
        chain[0].checkValidity();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the plugin trusts no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the plugin trusts no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the plugin trusts no server");
    }

    /** Named in the CertificateRequest, so that Go's TLS picks Terraform's certificate to send. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.toArray(new X509Certificate[0]);
    }
}
