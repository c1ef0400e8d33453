package io.aami.server.console;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.RequestOrigin;
import io.javalin.http.Context;

/**
 * HTTP for the console's own routes: {@code /} sends a browser to {@code /ui}; the overview and login pages; the
 * static assets; the JSON summary the overview polls. The security headers of every {@code /ui} answer are set
 * before any route ({@link io.aami.server.http.ConsolePages}).
 */
public final class ConsoleHandler {
    /** A hashed asset name changes with its content, so a browser may keep it as long as it likes. */
    private static final String HASHED_CACHE = "public, max-age=31536000, immutable";
    private static final String PLAIN_CACHE = "public, max-age=300";

    private final FleetSummaryService summaries;
    private final Console console;
    private final PlainHttpLogin plainHttp;

    ConsoleHandler(FleetSummaryService summaries, Console console, PlainHttpLogin plainHttp) {
        this.summaries = summaries;
        this.console = console;
        this.plainHttp = plainHttp;
    }

    public void root(Context ctx) {
        ctx.status(302).header("Location", "/ui");
    }

    public void overview(Context ctx) {
        console.render(ctx, "overview.jte", new OverviewPage(console.page(ctx, "overview"), summaries.summary()));
    }

    /** The login page; over plain HTTP it warns, and says so when the login would be refused. */
    public void login(Context ctx) {
        RequestOrigin origin = RequestOrigin.of(ctx);
        console.render(ctx, "login.jte", new LoginPage(console.anonymous(), !origin.https(), !plainHttp.allows(origin)));
    }

    public void asset(Context ctx) {
        Assets.Asset a = console.assets().get(ctx.pathParam("name"))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no such console asset"));
        ctx.header("Cache-Control", a.hashed() ? HASHED_CACHE : PLAIN_CACHE);
        ctx.contentType(a.contentType()).result(a.bytes());
    }

    public void summary(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(summaries.summary());
    }
}
