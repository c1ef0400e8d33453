package io.aami.agent.pki;

import io.aami.contract.registration.AgentTlsNames;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * Whether an agent certificate can serve the local API to TLS clients such as curl and Prometheus (Go): its extended
 * key usage allows TLS servers and it carries the fleet's shared name {@link AgentTlsNames#DOMAIN}. Certificates
 * issued before agents' certificates had both do not (clientAuth only, a URI SAN only).
 */
final class ServerUsable {
    private static final int SAN_DNS = 2;

    private ServerUsable() {
    }

    static boolean asAgentServer(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            return eku != null && eku.contains(AgentTlsNames.EKU_SERVER_AUTH) && sans != null && sans.stream()
                    .anyMatch(san -> (Integer) san.get(0) == SAN_DNS && AgentTlsNames.DOMAIN.equals(san.get(1)));
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}
