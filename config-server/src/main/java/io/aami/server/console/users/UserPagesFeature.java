package io.aami.server.console.users;

import static io.aami.server.http.Access.ADMIN;

import io.aami.server.console.Console;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.users.UserService;
import io.aami.server.users.UserTokenService;

/**
 * The console's user pages (admins only, as the API they draw from): the list with a form making a user, and each
 * user's page (role, disable or enable, a new password, its API tokens listed and revoked), every change through
 * {@code /api/v1/users}. Depends on console and users.
 */
public final class UserPagesFeature {
    public static final String LIST = "/ui/users";
    public static final RouteSet<UserPagesHandler> ROUTES = RouteSet.of(UserPagesHandler.class)
            .get(LIST, UserPagesHandler::list, ADMIN)
            .get(LIST + "/{id}", UserPagesHandler::detail, ADMIN)
            .build();

    public UserPagesFeature(ServerContext ctx, Console console, UserService users, UserTokenService tokens) {
        ctx.routes().bind(ROUTES, new UserPagesHandler(console, users, tokens));
    }
}
