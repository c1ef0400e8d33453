package io.aami.terraform.api;

import io.aami.contract.registration.AgentTlsNames;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The aami CA's trust, refusing a server whose leaf is an agent's certificate ({@link AgentTlsNames#agentIdentityOf}):
 * the CA also signs every agent's certificate, and one taken from a compromised host must not pass for the server
 * the provider sends the admin token to. The agents refuse the same.
 */
final class NotAnAgent extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager ca;

    NotAnAgent(X509ExtendedTrustManager ca) {
        this.ca = ca;
    }

    private static void refuseAgent(X509Certificate[] chain) throws CertificateException {
        String why = chain == null || chain.length == 0 ? null : AgentTlsNames.agentIdentityOf(chain[0]);
        if (why != null) {
            throw new CertificateException("refused the server's certificate: " + why
                    + "; an aami agent's certificate never identifies the config-server");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        ca.checkServerTrusted(chain, authType, engine);
        refuseAgent(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        ca.checkServerTrusted(chain, authType, socket);
        refuseAgent(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        ca.checkServerTrusted(chain, authType);
        refuseAgent(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the provider authenticates servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the provider authenticates servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the provider authenticates servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return ca.getAcceptedIssuers();
    }
}
