package io.aami.agent.pki;

import io.aami.contract.registration.AgentTlsNames;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Server trust on top of the CA's: a chain the CA vouches for is still refused when its leaf is an agent's certificate
 * ({@link AgentTlsNames#agentIdentityOf}: an agent URI or DNS name, or client-only). Agents' certificates come from
 * the same CA and, for the local API, allow TLS servers; without this, a root-compromised host's key would let it pose
 * as the config-server to every agent that reaches the server by a name the agent certificate could carry. Thrown as a
 * {@link CertificateException}, so the transport counts it as an untrusted server like any other refused chain.
 */
final class ServerNotAnAgent extends ServerOnlyTrust {
    private final X509ExtendedTrustManager ca;

    ServerNotAnAgent(X509ExtendedTrustManager ca) {
        this.ca = ca;
    }

    private static void refuseAgent(X509Certificate[] chain) throws CertificateException {
        String why = chain == null || chain.length == 0 ? null : AgentTlsNames.agentIdentityOf(chain[0]);
        if (why != null) {
            throw new CertificateException("refused the server's certificate " + chain[0].getSubjectX500Principal()
                    + ": " + why + "; an agent's certificate never identifies the config-server");
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
    public X509Certificate[] getAcceptedIssuers() {
        return ca.getAcceptedIssuers();
    }
}
