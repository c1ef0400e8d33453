package io.aami.agent.api;

import com.sun.net.httpserver.Headers;
import io.aami.agent.config.AgentConfig;
import io.aami.contract.registration.AgentTlsNames;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every local API request must look like before a route runs. The API makes this root-run host
 * connect anywhere, and a browser on the host is a client an attacker's page can drive:
 * <ul>
 *   <li><b>Host</b> must name a loopback address ({@code 127.x.x.x}, {@code [::1]}, {@code localhost}, any
 *       port), or the configured {@code api.listen} host (or the address it bound, in any literal spelling) when
 *       that is a non-loopback address guarded by {@code api.token}. This stops DNS rebinding: a page whose own name was re-pointed at 127.0.0.1 sends
 *       that name, never a loopback one, so it can neither run probes nor read the answers. With {@code api.tls}
 *       presenting the agent's own certificate, also the names it carries ({@code agent.aami.internal} and
 *       {@code <uuid>.agent.aami.internal}, what curl and scrapers verify): a page can only be served under such a
 *       name by a server whose certificate the browser accepts for it, and only the fleet's private CA issues one.</li>
 *   <li><b>Cross-site requests are refused</b> (CSRF): an {@code Origin} or {@code Referer} that is not such a
 *       host, or {@code Sec-Fetch-Site: cross-site}. Browsers add these to cross-site requests, including
 *       the GETs of {@code <img src>}, which would otherwise run {@code /probe}; curl, scripts and
 *       Prometheus send none of them and keep working.</li>
 *   <li><b>A body must be {@code Content-Type: application/json}</b>: a cross-origin page can send
 *       {@code text/plain}, form or multipart bodies without asking (a "simple" CORS request), but JSON
 *       needs a preflight this API never grants.</li>
 * </ul>
 */
final class RequestGuard {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}");
    private static final Set<String> SAME_SITE = Set.of("same-origin", "same-site", "none");

    /** The configured listen host also accepted as Host, lower case; null when only loopback names are. */
    private final String listenHost;
    /**
     * The address bound, also accepted as Host in any literal spelling of it (the heartbeat reports {@code api.listen:
     * 10.1} as {@code 10.0.0.1}, which is what Prometheus then sends); null when only loopback names are.
     */
    private final InetAddress listenAddress;
    /** A wildcard listen address with a token: any IP literal is one of this host's addresses. */
    private final boolean anyAddressLiteral;
    /** HTTPS with the agent's own certificate: its {@code agent.aami.internal} names are accepted as Host. */
    private final boolean agentNames;

    private RequestGuard(String listenHost, InetAddress listenAddress, boolean anyAddressLiteral, boolean agentNames) {
        this.listenHost = listenHost;
        this.listenAddress = listenAddress;
        this.anyAddressLiteral = anyAddressLiteral;
        this.agentNames = agentNames;
    }

    /** The guard for an API listening as {@code cfg} says, its host an address literal or loopback (no DNS lookup). */
    static RequestGuard forApi(AgentConfig.Api cfg) {
        return forApi(cfg, cfg.host() == null ? null : literal(unbracket(cfg.host().toLowerCase(Locale.ROOT))));
    }

    /** The guard for an API listening as {@code cfg} says, bound to {@code bound} (null: not known). */
    static RequestGuard forApi(AgentConfig.Api cfg, InetAddress bound) {
        boolean agentNames = cfg.tls().enabled() && cfg.tls().agentCertificate();
        if (cfg.token() == null || cfg.host() == null || loopback(cfg.host()) || bound != null && bound.isLoopbackAddress()) {
            return new RequestGuard(null, null, false, agentNames);
        }
        boolean wildcard = wildcard(cfg.host()) || bound != null && bound.isAnyLocalAddress();
        return new RequestGuard(cfg.host().toLowerCase(Locale.ROOT), bound, wildcard, agentNames);
    }

    /** Refuses a request from the wrong host or another site; runs before authentication and routing. */
    void checkOrigin(Headers headers) {
        List<String> hosts = headers.get("Host");
        String host = hosts == null || hosts.size() != 1 ? null : hostPart(hosts.get(0));
        if (host == null || !allowedHost(host)) {
            throw new LocalApiException(421, "HOST_NOT_ALLOWED", "the local API answers only requests whose Host header"
                    + " names a loopback address (127.0.0.1, [::1] or localhost)", "Host");
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && !allowedUrl(origin)) {
            throw crossSite("Origin", "a request from the web page " + origin);
        }
        String referer = headers.getFirst("Referer");
        if (referer != null && !allowedUrl(referer)) {
            throw crossSite("Referer", "a request made by a web page");
        }
        String fetchSite = headers.getFirst("Sec-Fetch-Site");
        if (fetchSite != null && !SAME_SITE.contains(fetchSite.trim().toLowerCase(Locale.ROOT))) {
            throw crossSite("Sec-Fetch-Site", "a " + fetchSite.trim() + " request");
        }
    }

    /** Refuses a body that is not declared JSON; checked before the body is read. */
    static void checkJsonBody(String method, Headers headers) {
        if (!"POST".equals(method) && !"PUT".equals(method) && !"PATCH".equals(method)) {
            return;
        }
        String type = headers.getFirst("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new LocalApiException(415, "UNSUPPORTED_MEDIA_TYPE", "the body must be sent as Content-Type:"
                    + " application/json" + (type == null ? "" : ", got " + type.trim()), "Content-Type");
        }
    }

    private static LocalApiException crossSite(String header, String what) {
        return new LocalApiException(403, "CROSS_SITE_REQUEST", what + " may not use the local API: it makes this host"
                + " connect anywhere, so only local programs (curl, scripts, Prometheus) may call it", header);
    }

    private boolean allowedUrl(String url) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
                return false;
            }
            return allowedHost(unbracket(host.toLowerCase(Locale.ROOT)));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private boolean allowedHost(String host) {
        if (host.equals("localhost") || loopbackLiteral(host)) {
            return true;
        }
        if (agentNames && AgentTlsNames.isAgentName(host) && !host.contains("*")) {
            return true;
        }
        if (listenHost == null) {
            return false;
        }
        InetAddress address = literal(host);
        return host.equals(unbracket(listenHost)) || address != null && (anyAddressLiteral || address.equals(listenAddress));
    }

    /** The host of a Host header value ({@code name}, {@code name:port}, {@code [v6]:port}), lower case; null if malformed. */
    static String hostPart(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        String host;
        String rest;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = v.substring(1, end);
            rest = v.substring(end + 1);
        } else {
            int colon = v.indexOf(':');
            host = colon < 0 ? v : v.substring(0, colon);
            rest = colon < 0 ? "" : v.substring(colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() || !(rest.isEmpty() || PORT.matcher(rest).matches()) ? null : host;
    }

    private static boolean loopbackLiteral(String host) {
        InetAddress address = literal(host);
        return address != null && address.isLoopbackAddress();
    }

    /**
     * {@code host} as an address when it is a dotted-quad or IPv6 literal, else null. Never a DNS lookup:
     * a name is exactly what DNS rebinding controls.
     */
    private static InetAddress literal(String host) {
        Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
        } else if (!host.contains(":") || !host.matches("[0-9a-f:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean loopback(String host) {
        InetAddress address = literal(unbracket(host.toLowerCase(Locale.ROOT)));
        return host.equalsIgnoreCase("localhost") || address != null && address.isLoopbackAddress();
    }

    private static boolean wildcard(String host) {
        InetAddress address = literal(unbracket(host.toLowerCase(Locale.ROOT)));
        return address != null && address.isAnyLocalAddress();
    }
}
