package io.aami.server.console;

import static io.aami.contract.ApiPaths.FLEET_SUMMARY;
import static io.aami.server.http.Access.PUBLIC;
import static io.aami.server.http.Access.VIEWER;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.ConsolePages;
import io.aami.server.http.ErrorPages;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.RouteSet;

/**
 * The operator console's pages under {@code /ui} (overview, login) with their assets, {@code /} sent there, and the
 * fleet summary the overview polls. A page needs a session or token of any role; without one a browser is sent to
 * the login page. Depends on no feature (the login itself is the sessions feature's). The other pages are features of
 * their own ({@code console.targets}, …) built on the {@link Console} frame this one makes.
 */
public final class ConsoleFeature {
    public static final RouteSet<ConsoleHandler> ROUTES = RouteSet.of(ConsoleHandler.class)
            .get("/", ConsoleHandler::root, PUBLIC)
            .get(ConsolePages.ROOT, ConsoleHandler::overview, VIEWER)
            .get(ConsolePages.LOGIN, ConsoleHandler::login, PUBLIC)
            .get(ConsolePages.ASSETS + "{name}", ConsoleHandler::asset, PUBLIC)
            .get(FLEET_SUMMARY, ConsoleHandler::summary, VIEWER)
            .build();

    private final Console console;

    public ConsoleFeature(ServerContext ctx) {
        console = new Console(new Templates(), new Assets());
        ctx.routes().bind(ROUTES, new ConsoleHandler(new FleetSummaryService(ctx.db(), new FleetSummaryStore(), ctx.clock(),
                ctx.config().tls().clientCertValidity(), ctx.config().console().summaryMaxAge()),
                console, new PlainHttpLogin(ctx.config().http().plainHttpLogin())));
    }

    /** How a refused page request is answered for a browser: an error page in the console's frame. */
    public ErrorPages errorPages() {
        return new ConsoleErrorPages(console);
    }

    /** The frame every page feature ({@code console.*}) renders with. */
    public Console console() {
        return console;
    }
}
