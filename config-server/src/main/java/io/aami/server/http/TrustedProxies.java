package io.aami.server.http;

import io.aami.server.security.Cidr;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.util.HostPort;

/**
 * {@code http.trusted_proxies}: the reverse proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are
 * believed. Only when the TCP peer lies in one of them: the client is the right-most {@code X-Forwarded-For} address
 * that is not itself a trusted proxy (each proxy appends the peer it saw, so everything left of that address was written
 * by the client and may be anything), and the request is HTTPS when every {@code X-Forwarded-Proto} value is
 * {@code https}. From any other peer both headers are ignored. An entry that is not an IP address stops the walk: the
 * client is then the trusted hop to its right.
 */
public final class TrustedProxies {
    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED_PROTO = "X-Forwarded-Proto";

    private final List<Cidr> proxies;

    /** @param cidrs networks or single addresses, already validated by the config loader */
    public TrustedProxies(List<String> cidrs) {
        this.proxies = cidrs.stream().map(Cidr::parse).toList();
    }

    RequestOrigin resolve(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        boolean tls = ctx.req().isSecure();
        if (proxies.isEmpty() || !trusted(peer)) {
            return new RequestOrigin(peer, tls, false);
        }
        return new RequestOrigin(client(peer, values(ctx.req().getHeaders(FORWARDED_FOR))),
                tls || allHttps(values(ctx.req().getHeaders(FORWARDED_PROTO))), true);
    }

    /** The client behind a trusted {@code peer}, given the {@code X-Forwarded-For} hops in order (left to right). */
    String client(String peer, List<String> hops) {
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress a = parse(hops.get(i));
            if (a == null) {
                break;
            }
            client = HostPort.normalizeHost(a.getHostAddress());
            if (!trusted(a)) {
                break;
            }
        }
        return client;
    }

    private boolean trusted(String peer) {
        InetAddress a = parse(peer);
        return a != null && trusted(a);
    }

    private boolean trusted(InetAddress a) {
        for (Cidr c : proxies) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Every value of a header, split at commas (several header lines count as one list, in order). */
    private static List<String> values(Enumeration<String> headers) {
        List<String> out = new ArrayList<>();
        for (String h : headers == null ? Collections.<String>emptyList() : Collections.list(headers)) {
            for (String v : h.split(",")) {
                out.add(v.trim());
            }
        }
        return out;
    }

    private static boolean allHttps(List<String> protos) {
        return !protos.isEmpty() && protos.stream().allMatch(p -> p.toLowerCase(Locale.ROOT).equals("https"));
    }

    /** An address as proxies write it: {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code 2001:db8::1}, {@code [2001:db8::1]:443}. */
    static InetAddress parse(String hop) {
        String s = hop.trim();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            s = end < 0 ? "" : s.substring(1, end);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            s = s.substring(0, s.indexOf(':'));
        }
        try {
            return Cidr.address(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
