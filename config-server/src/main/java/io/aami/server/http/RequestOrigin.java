package io.aami.server.http;

import io.aami.server.security.Cidr;
import io.javalin.http.Context;

/**
 * Where a request comes from, resolved once per request by {@link TrustedProxies} (before any route) and kept on it:
 * the client's {@code address} (the TCP peer, or behind a trusted proxy the address it forwarded for), whether the
 * client's connection is {@code https} (this connection's TLS, or a trusted proxy's {@code X-Forwarded-Proto: https}),
 * and whether it came through a trusted proxy ({@code proxied}). Every use of "the caller's address" (login and
 * invalid-token limits, audit, sessions, enrollment's {@code allowed_cidrs} and rate limit, heartbeat source) reads it
 * here, so a header from an untrusted peer never changes any of them.
 */
public record RequestOrigin(String address, boolean https, boolean proxied) {
    private static final String ATTRIBUTE = "aami.origin";

    static void set(Context ctx, RequestOrigin origin) {
        ctx.attribute(ATTRIBUTE, origin);
    }

    /** The request's origin; a request no before-handler saw (none in practice) is its TCP peer, as is. */
    public static RequestOrigin of(Context ctx) {
        RequestOrigin o = ctx.attribute(ATTRIBUTE);
        return o != null ? o : new RequestOrigin(ctx.req().getRemoteAddr(), ctx.req().isSecure(), false);
    }

    /** The client's address: what limits, the audit log and address rules see. */
    public static String address(Context ctx) {
        return of(ctx).address();
    }

    /** A direct connection from this host (never one through a proxy, even a local one: its client may be anywhere). */
    public boolean directFromLoopback() {
        if (proxied) {
            return false;
        }
        try {
            return Cidr.address(unbracketed(address)).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String unbracketed(String address) {
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }
}
