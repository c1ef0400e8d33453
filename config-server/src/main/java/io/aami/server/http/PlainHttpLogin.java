package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * {@code http.plain_http_login}: whether a password may be sent over plain HTTP (both password doors: the console's
 * session login and {@code POST /api/v1/login/tokens}). {@code loopback} (the default): only on a direct connection
 * from this host, where no network sees it; {@code allow}: from anywhere (a lab); {@code refuse}: never. HTTPS, directly
 * or through a trusted proxy ({@link TrustedProxies}), is always allowed. A refusal is 403 {@code INSECURE_TRANSPORT},
 * before the body is read, so the password is not even parsed.
 */
public final class PlainHttpLogin {
    public static final String LOOPBACK = "loopback";
    public static final String ALLOW = "allow";
    public static final String REFUSE = "refuse";

    private final String mode;

    public PlainHttpLogin(String mode) {
        this.mode = mode.toLowerCase(Locale.ROOT);
    }

    /** Whether a password may come with a request from {@code origin}. */
    public boolean allows(RequestOrigin origin) {
        return origin.https() || mode.equals(ALLOW) || mode.equals(LOOPBACK) && origin.directFromLoopback();
    }

    /** 403 {@code INSECURE_TRANSPORT} when the request may not carry a password. */
    public void check(Context ctx) {
        if (!allows(RequestOrigin.of(ctx))) {
            throw new ApiException(ErrorCode.INSECURE_TRANSPORT, "this server takes passwords over HTTPS only"
                    + (mode.equals(REFUSE) ? "" : " (over plain HTTP only from this host itself)")
                    + ": open it with https://, or behind a TLS-terminating proxy list the proxy in http.trusted_proxies"
                    + " so its X-Forwarded-Proto counts (http.plain_http_login: " + mode + ")");
        }
    }
}
