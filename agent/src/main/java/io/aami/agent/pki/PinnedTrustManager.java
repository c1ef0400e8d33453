package io.aami.agent.pki;

import io.aami.common.pki.Pem;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust for the very first contact, before the agent has the CA: the server is accepted only if
 * the chain it presents contains the pinned CA certificate and the leaf validates up to it (with
 * the JDK's usual checks, hostname included, and never an agent's certificate: {@link TlsContexts#trusting}). So even
 * fetching the CA happens over an authenticated connection; nothing is trusted blindly.
 */
final class PinnedTrustManager extends ServerOnlyTrust {
    private final String pin;

    PinnedTrustManager(String pin) {
        this.pin = Pem.parsePin(pin);
    }

    private X509ExtendedTrustManager anchoredAtPin(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate cert : chain == null ? new X509Certificate[0] : chain) {
            if (Pem.sha256Hex(cert).equals(pin)) {
                try {
                    return TlsContexts.trusting(cert);
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("cannot build trust for the pinned CA: " + e.getMessage(), e);
                }
            }
        }
        String presented = chain == null ? "" : Arrays.stream(chain)
                .map(c -> c.getSubjectX500Principal() + " sha256:" + Pem.sha256Hex(c)).collect(Collectors.joining(", "));
        throw new CertificateException("the server's certificate chain does not contain the pinned CA sha256:" + pin
                + " (presented: " + presented + ")");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        anchoredAtPin(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        anchoredAtPin(chain).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        anchoredAtPin(chain).checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
