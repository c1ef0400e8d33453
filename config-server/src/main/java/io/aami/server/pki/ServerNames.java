package io.aami.server.pki;

import io.aami.common.pki.PkiException;
import io.aami.contract.registration.AgentTlsNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the server certificate must carry: the configured extra names, this machine's host
 * name, and the loopback names, normalised (DNS lowercase, IPs in canonical form) so that a
 * certificate can be compared with what is wanted. Never an agent's name ({@link AgentTlsNames#isAgentName}).
 */
final class ServerNames {
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;
    private static final Logger LOG = LoggerFactory.getLogger(ServerNames.class);

    private final List<String> dnsNames;
    private final List<String> ipAddresses;

    private ServerNames(List<String> dnsNames, List<String> ipAddresses) {
        this.dnsNames = dnsNames;
        this.ipAddresses = ipAddresses;
    }

    /**
     * Wanted names. An invalid extra name is a configuration error; an odd local host name is only
     * skipped, since the operator did not type it and the server must still start.
     */
    static ServerNames wanted(List<String> extraNames, Optional<String> hostName) {
        Set<String> dns = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        for (String name : extraNames) {
            if (AgentTlsNames.isAgentName(name)) {
                throw new PkiException("server certificate name '" + name + "' is an agent's name (under "
                        + AgentTlsNames.DOMAIN + "); agents refuse a server certificate that carries one");
            }
            if (!add(name, dns, ips)) {
                throw new PkiException("server certificate name '" + name + "' is neither a DNS name nor an IP address");
            }
        }
        hostName.filter(AgentTlsNames::isAgentName)
                .ifPresent(h -> LOG.warn("host name '{}' is an agent's name; leaving it out of the server certificate", h));
        hostName.filter(h -> !AgentTlsNames.isAgentName(h) && !add(h, dns, ips))
                .ifPresent(h -> LOG.warn("host name '{}' is not a valid DNS name; leaving it out of the server certificate", h));
        LOOPBACK.forEach(n -> add(n, dns, ips));
        return new ServerNames(List.copyOf(dns), List.copyOf(ips));
    }

    private static boolean add(String name, Set<String> dns, Set<String> ips) {
        String n = name == null ? "" : name.strip();
        if (IPAddress.isValid(n)) {
            ips.add(canonicalIp(n));
            return true;
        }
        n = n.toLowerCase(Locale.ROOT);
        n = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
        if (n.length() > 253 || !DNS_NAME.matcher(n).matches()) {
            return false;
        }
        dns.add(n);
        return true;
    }

    /** Only ever called with a literal, so no name lookup happens. */
    private static String canonicalIp(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a validated IP literal did not parse: " + literal, e);
        }
    }

    List<String> dnsNames() {
        return dnsNames;
    }

    List<String> ipAddresses() {
        return ipAddresses;
    }

    /** Whether {@code cert} carries exactly these names (order aside). */
    boolean matches(X509Certificate cert) {
        Set<String> dns = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                int type = (Integer) san.get(0);
                if (type == SAN_DNS) {
                    dns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                } else if (type == SAN_IP) {
                    ips.add(canonicalIp((String) san.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return dns.equals(Set.copyOf(dnsNames)) && ips.equals(Set.copyOf(ipAddresses));
    }

    /**
     * This machine's name, without a DNS lookup (InetAddress.getLocalHost() can stall for seconds
     * on a badly configured host): the kernel's name on Linux, else the usual environment variables.
     */
    static Optional<String> localHostName() {
        List<String> candidates = new ArrayList<>();
        try {
            candidates.add(Files.readString(Path.of("/proc/sys/kernel/hostname")));
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux; fall through to the environment.
        }
        candidates.add(System.getenv("HOSTNAME"));
        candidates.add(System.getenv("COMPUTERNAME"));
        return candidates.stream().filter(c -> c != null && !c.isBlank()).map(String::strip).findFirst();
    }

    @Override
    public String toString() {
        return String.join(", ", dnsNames) + (ipAddresses.isEmpty() ? "" : ", " + String.join(", ", ipAddresses));
    }
}
