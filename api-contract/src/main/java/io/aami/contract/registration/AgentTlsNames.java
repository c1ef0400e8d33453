package io.aami.contract.registration;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The names an agent's certificate carries, and the rule that keeps agent and server certificates apart (as Consul's
 * {@code client.dc1.consul} and {@code server.dc1.consul}), shared by the server (what it issues, which names it
 * refuses for itself), the agent (which server certificates it refuses) and the Terraform provider.
 * <ul>
 *   <li>An agent's certificate: the URI SAN {@code urn:aami:agent:<uuid>} (who it is, for the server), the DNS SANs
 *       {@code <uuid>.agent.aami.internal} (this agent, for a client that names it) and {@code agent.aami.internal}
 *       (any agent of the fleet, for a scraper such as Prometheus that cannot set a server name per target); EKU
 *       clientAuth and serverAuth. Never a name or address the agent asks for: a host could ask for the server's.</li>
 *   <li>{@code .internal} is reserved by ICANN for private use, so these names never resolve publicly and no public
 *       CA can issue them.</li>
 *   <li>No server certificate may carry an agent identity ({@link #agentIdentityOf}): else an agent (whose key a
 *       root-compromised host holds) could pose as the server, or the server as an agent.</li>
 * </ul>
 */
public final class AgentTlsNames {
    /** The URI SAN prefix naming an agent (URNs compare case-insensitively in their prefix, RFC 8141). */
    public static final String URI_PREFIX = "urn:aami:agent:";
    /** Every agent's shared DNS name, and the domain of each agent's own name. */
    public static final String DOMAIN = "agent.aami.internal";
    /** A wildcard over this parent's labels would match {@link #DOMAIN} itself. */
    private static final String PARENT = "aami.internal";
    public static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    public static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String EKU_ANY = "2.5.29.37.0";
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private AgentTlsNames() {
    }

    /** {@code <uuid>.agent.aami.internal}: this agent's own DNS name. */
    public static String dnsName(UUID agentId) {
        return agentId + "." + DOMAIN;
    }

    /** {@code urn:aami:agent:<uuid>}. */
    public static String uri(UUID agentId) {
        return URI_PREFIX + agentId;
    }

    /**
     * Whether a DNS name (or a certificate's DNS SAN, wildcards included) names or would match an agent:
     * {@code agent.aami.internal}, anything under it, or a wildcard left-most label over {@code aami.internal}
     * ({@code *.aami.internal} matches {@code agent.aami.internal}). Case and a trailing dot are ignored.
     */
    public static boolean isAgentName(String dnsName) {
        if (dnsName == null) {
            return false;
        }
        String n = dnsName.strip().toLowerCase(Locale.ROOT);
        n = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
        if (n.equals(DOMAIN) || n.endsWith("." + DOMAIN)) {
            return true;
        }
        int dot = n.indexOf('.');
        return dot > 0 && n.substring(0, dot).contains("*") && n.substring(dot + 1).equals(PARENT);
    }

    /**
     * Why {@code leaf}, presented as a server's certificate, is an agent's, or null when it is not: a
     * {@code urn:aami:agent:} URI SAN, a DNS SAN that {@link #isAgentName names an agent}, or an extended key usage
     * that does not allow a TLS server (a client-only certificate). Unreadable SANs count as an agent's: refusing a
     * malformed certificate costs nothing, accepting one could.
     */
    public static String agentIdentityOf(X509Certificate leaf) {
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return "its subjectAltName cannot be read: " + e.getMessage();
        }
        for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
            Object value = san.get(1);
            int type = (Integer) san.get(0);
            if (type == SAN_URI && value instanceof String uri && uri.regionMatches(true, 0, URI_PREFIX, 0, URI_PREFIX.length())) {
                return "it names an agent (URI SAN " + uri + ")";
            }
            if (type == SAN_DNS && value instanceof String dns && isAgentName(dns)) {
                return "it carries an agent's name (DNS SAN " + dns + ")";
            }
        }
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return "its extended key usage cannot be read: " + e.getMessage();
        }
        if (eku != null && !eku.contains(EKU_SERVER_AUTH) && !eku.contains(EKU_ANY)) {
            return "it is not for TLS servers (extended key usage " + eku + ")";
        }
        return null;
    }
}
