package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;

import io.aami.server.security.Secrets;
import io.javalin.http.Context;

/** Checks the operator's admin token (held only as a hash in memory). */
public final class AdminAuthenticator {
    private final byte[] tokenSha256;

    public AdminAuthenticator(String adminToken) {
        this.tokenSha256 = Secrets.sha256(adminToken);
    }

    public void require(Context ctx) {
        String presented = Bearer.from(ctx).orElse(null);
        if (presented == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, "admin token required: send Authorization: Bearer <admin token>");
        }
        if (!Secrets.matches(tokenSha256, presented)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\", error=\"invalid_token\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, "the admin token is not valid");
        }
    }
}
