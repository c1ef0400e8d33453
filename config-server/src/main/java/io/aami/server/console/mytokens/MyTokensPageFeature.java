package io.aami.server.console.mytokens;

import static io.aami.server.http.Access.VIEWER;

import io.aami.server.console.Console;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.users.UserTokenService;

/**
 * The console's "My API tokens" page ({@code /ui/tokens}, every role): the signed-in user's own tokens, a form making
 * one (its secret shown once by the page's script from the API's answer), revoking one, and logging out everywhere,
 * all through {@code /api/v1/me/tokens}. Depends on console and users.
 */
public final class MyTokensPageFeature {
    public static final RouteSet<MyTokensPageHandler> ROUTES = RouteSet.of(MyTokensPageHandler.class)
            .get("/ui/tokens", MyTokensPageHandler::page, VIEWER)
            .build();

    public MyTokensPageFeature(ServerContext ctx, Console console, UserTokenService tokens) {
        ctx.routes().bind(ROUTES, new MyTokensPageHandler(console, tokens, ctx.clock()));
    }
}
