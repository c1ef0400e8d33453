package io.aami.server.users;

import static io.aami.contract.ApiPaths.LOGIN_TOKENS;
import static io.aami.contract.ApiPaths.ME;
import static io.aami.contract.ApiPaths.ME_TOKEN;
import static io.aami.contract.ApiPaths.ME_TOKENS;
import static io.aami.contract.ApiPaths.USER;
import static io.aami.contract.ApiPaths.USERS;
import static io.aami.contract.ApiPaths.USER_PASSWORD;
import static io.aami.contract.ApiPaths.USER_TOKEN;
import static io.aami.contract.ApiPaths.USER_TOKENS;
import static io.aami.server.http.Access.ADMIN;
import static io.aami.server.http.Access.PUBLIC;
import static io.aami.server.http.Access.VIEWER;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.RouteSet;
import io.aami.server.http.UserAuthentication;
import io.aami.server.security.PasswordHasher;
import io.aami.server.security.Principal;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Named users with a role, and their API tokens: the admin API ({@code /api/v1/users}), every caller's own
 * ({@code /api/v1/me}), a user's own token for its password ({@code /api/v1/login/tokens}), and the
 * {@link UserAuthentication} the access filter resolves user tokens with. Depends on audit.
 */
public final class UsersFeature {
    public static final RouteSet<UserHandler> ROUTES = RouteSet.of(UserHandler.class)
            .post(USERS, UserHandler::create, ADMIN)
            .get(USERS, UserHandler::list, ADMIN)
            .get(USER, UserHandler::get, ADMIN)
            .put(USER, UserHandler::update, ADMIN)
            .delete(USER, UserHandler::delete, ADMIN)
            .put(USER_PASSWORD, UserHandler::setPassword, ADMIN)
            .get(USER_TOKENS, UserHandler::listTokens, ADMIN)
            .delete(USER_TOKENS, UserHandler::revokeTokens, ADMIN)
            .delete(USER_TOKEN, UserHandler::revokeToken, ADMIN)
            .get(ME, UserHandler::me, VIEWER)
            .get(ME_TOKENS, UserHandler::listMyTokens, VIEWER)
            .post(ME_TOKENS, UserHandler::createMyToken, VIEWER)
            .delete(ME_TOKENS, UserHandler::revokeMyTokens, VIEWER)
            .delete(ME_TOKEN, UserHandler::revokeMyToken, VIEWER)
            .post(LOGIN_TOKENS, UserHandler::login, PUBLIC)
            .build();

    private final UserService users;
    private final UserTokenService tokens;
    private final PasswordLogin login;

    public UsersFeature(ServerContext ctx, AuditTrail audit) {
        UserStore userStore = new UserStore();
        UserTokenStore tokenStore = new UserTokenStore();
        TokenUses uses = new TokenUses(ctx.db(), tokenStore);
        long every = TokenUses.INTERVAL.toMillis();
        var flushing = ctx.scheduler().scheduleWithFixedDelay(uses::flush, every, every, TimeUnit.MILLISECONDS);
        ctx.resources().opened(() -> {
            flushing.cancel(false);
            uses.flush();
        });
        users = new UserService(ctx.db(), userStore, tokenStore, new PasswordHasher(new SecureRandom()), audit, ctx.clock());
        tokens = new UserTokenService(ctx.db(), userStore, tokenStore, uses, ctx.secrets(), audit, ctx.clock());
        login = new PasswordLogin(users, tokens, new LoginFailures(ctx.db(), new LoginFailureStore(),
                new LoginFailures.Limit(PasswordLogin.ADDRESS_BURST, PasswordLogin.ADDRESS_STEP),
                new LoginFailures.Limit(PasswordLogin.USER_BURST, PasswordLogin.USER_STEP), ctx.clock()));
        var pruning = ctx.duties().schedule("login_failure_prune", java.time.Duration.ofMinutes(1), java.time.Duration.ofHours(1),
                this::pruneLoginFailures);
        ctx.resources().opened(() -> pruning.cancel(false));
        ctx.routes().bind(ROUTES, new UserHandler(users, tokens, login, ctx.bodies(),
                new PlainHttpLogin(ctx.config().http().plainHttpLogin())));
    }

    /** A failed prune is logged, not thrown: a throwing task would never be scheduled again. */
    private void pruneLoginFailures() {
        try {
            login.prune();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(UsersFeature.class).warn("pruning login failures failed: {}", e.toString());
        }
    }

    /** Resolves a user's API token to the user and its current role. */
    public UserAuthentication authentication() {
        return new UserAuthentication() {
            @Override
            public boolean wellFormed(String bearer) {
                return tokens.wellFormed(bearer);
            }

            @Override
            public boolean recentlyValid(String bearer) {
                return tokens.recentlyValid(bearer);
            }

            @Override
            public Optional<Principal> authenticate(String bearer) {
                return tokens.authenticate(bearer);
            }
        };
    }

    /** Users, for the console's user pages (which change them only through the API). */
    public UserService userService() {
        return users;
    }

    /** Users' API tokens, for the console's token pages (which change them only through the API). */
    public UserTokenService tokenService() {
        return tokens;
    }

    /** Name-and-password login with its per-address and per-name limits, shared by the console's sessions. */
    public PasswordLogin passwordLogin() {
        return login;
    }
}
