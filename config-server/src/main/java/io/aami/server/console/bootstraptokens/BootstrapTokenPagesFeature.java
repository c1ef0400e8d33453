package io.aami.server.console.bootstraptokens;

import static io.aami.server.http.Access.VIEWER;

import io.aami.server.console.Console;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.tokens.BootstrapTokenService;

/**
 * The console's bootstrap-token pages: the list with the create form (the secret shown once by the page's script,
 * from the API's answer, never rendered by the server) and each token's page with its uses. Viewers read; the forms
 * and buttons are drawn for operators, and write through {@code /api/v1/bootstrap-tokens} only. Depends on console,
 * tokens, groups and pki (the CA pin for the install command).
 */
public final class BootstrapTokenPagesFeature {
    public static final String LIST = "/ui/bootstrap-tokens";
    public static final RouteSet<BootstrapTokenPagesHandler> ROUTES = RouteSet.of(BootstrapTokenPagesHandler.class)
            .get(LIST, BootstrapTokenPagesHandler::list, VIEWER)
            .get(LIST + "/{id}", BootstrapTokenPagesHandler::detail, VIEWER)
            .build();

    /** {@code caPin} is null when the server speaks no TLS. */
    public BootstrapTokenPagesFeature(ServerContext ctx, Console console, BootstrapTokenService tokens, GroupService groups,
                                      String caPin) {
        ctx.routes().bind(ROUTES, new BootstrapTokenPagesHandler(console, tokens, groups, new InstallCommand(caPin)));
    }
}
