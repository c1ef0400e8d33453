package io.aami.server.users;

import io.aami.contract.ErrorCode;
import io.aami.contract.users.Caller;
import io.aami.contract.users.LoginTokenRequest;
import io.aami.contract.users.PasswordRequest;
import io.aami.contract.users.TokensRevoked;
import io.aami.contract.users.UserRequest;
import io.aami.contract.users.UserTokenRequest;
import io.aami.contract.users.UserTokenView;
import io.aami.contract.users.UserUpdate;
import io.aami.server.audit.Actors;
import io.aami.server.error.ApiException;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.Params;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.Principals;
import io.aami.server.http.RequestOrigin;
import io.aami.server.security.Principal;
import io.aami.server.validation.Fields;
import io.javalin.http.Context;
import java.util.UUID;

/**
 * HTTP for {@code /api/v1/users} (admin: users; anyone's tokens listed and revoked, never created),
 * {@code /api/v1/me} (the caller and its own tokens: whoever the request's {@link Principal} is, never a user
 * named in the request) and {@code /api/v1/login/tokens} (a user's own token for its name and password).
 */
public final class UserHandler {
    private final UserService users;
    private final UserTokenService tokens;
    private final PasswordLogin login;
    private final JsonBodies bodies;
    private final PlainHttpLogin plainHttp;

    UserHandler(UserService users, UserTokenService tokens, PasswordLogin login, JsonBodies bodies, PlainHttpLogin plainHttp) {
        this.users = users;
        this.tokens = tokens;
        this.login = login;
        this.bodies = bodies;
        this.plainHttp = plainHttp;
    }

    public void create(Context ctx) {
        ctx.status(201).json(users.create(Actors.of(ctx), bodies.read(ctx, UserRequest.class)));
    }

    public void list(Context ctx) {
        ctx.json(users.list());
    }

    public void get(Context ctx) {
        ctx.json(users.get(Params.pathId(ctx)));
    }

    public void update(Context ctx) {
        ctx.json(users.update(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, UserUpdate.class)));
    }

    public void delete(Context ctx) {
        users.delete(Actors.of(ctx), Params.pathId(ctx));
        ctx.status(204);
    }

    public void setPassword(Context ctx) {
        users.setPassword(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, PasswordRequest.class));
        ctx.status(204);
    }

    public void listTokens(Context ctx) {
        ctx.json(tokens.list(Params.pathId(ctx)));
    }

    public void revokeToken(Context ctx) {
        tokens.revoke(Actors.of(ctx), Params.pathId(ctx), tokenId(ctx));
        ctx.status(204);
    }

    public void revokeTokens(Context ctx) {
        ctx.json(new TokensRevoked(tokens.revokeAll(Actors.of(ctx), Params.pathId(ctx))));
    }

    /** A token for the name and password in the body: the only way to a token that needs no token. */
    public void login(Context ctx) {
        plainHttp.check(ctx);
        UserTokenView t = login.token(bodies.read(ctx, LoginTokenRequest.class), RequestOrigin.address(ctx));
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(t);
    }

    public void me(Context ctx) {
        Principal p = Principals.of(ctx);
        String kind = p.kind() == Principal.Kind.USER ? "user" : "break_glass";
        ctx.header("Cache-Control", "no-store");
        ctx.json(new Caller(kind, p.userId(), p.name(), p.role().wire()));
    }

    public void listMyTokens(Context ctx) {
        ctx.json(tokens.list(myUser(ctx)));
    }

    public void createMyToken(Context ctx) {
        UUID me = myUser(ctx);
        UserTokenRequest req = bodies.read(ctx, UserTokenRequest.class);
        UserTokenView t = tokens.create(Actors.of(ctx), me, req, Principals.of(ctx).tokenId(), Principals.sessionEnd(ctx));
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(t);
    }

    public void revokeMyToken(Context ctx) {
        tokens.revoke(Actors.of(ctx), myUser(ctx), tokenId(ctx));
        ctx.status(204);
    }

    /** Revokes every token of the caller's, the one this request came with included. */
    public void revokeMyTokens(Context ctx) {
        ctx.json(new TokensRevoked(tokens.revokeAll(Actors.of(ctx), myUser(ctx))));
    }

    /** The caller's user: the break-glass admin token has none, so it has no tokens of its own. */
    private static UUID myUser(Context ctx) {
        return Principals.of(ctx).user().orElseThrow(() -> new ApiException(ErrorCode.NOT_A_USER,
                "the admin token is no user and has no tokens of its own: create a user (POST /api/v1/users) and a token for it"));
    }

    private static UUID tokenId(Context ctx) {
        return Fields.uuid("token_id", ctx.pathParam("token_id"));
    }
}
