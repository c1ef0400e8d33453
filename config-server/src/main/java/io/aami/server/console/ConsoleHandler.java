package io.aami.server.console;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.Principals;
import io.aami.server.http.RequestOrigin;
import io.aami.server.http.SessionCookie;
import io.aami.server.security.Principal;
import io.aami.server.security.SessionSecrets;
import io.javalin.http.Context;

/**
 * HTTP for the console: {@code /} sends a browser to {@code /ui}; the overview and login pages (jte); the static
 * assets; the JSON summary the overview polls. The security headers of every {@code /ui} answer are set before any
 * route ({@link io.aami.server.http.ConsolePages}).
 */
public final class ConsoleHandler {
    private final FleetSummaryService summaries;
    private final Templates templates;
    private final Assets assets;
    private final PlainHttpLogin plainHttp;

    ConsoleHandler(FleetSummaryService summaries, Templates templates, Assets assets, PlainHttpLogin plainHttp) {
        this.summaries = summaries;
        this.templates = templates;
        this.assets = assets;
        this.plainHttp = plainHttp;
    }

    public void root(Context ctx) {
        ctx.status(302).header("Location", "/ui");
    }

    public void overview(Context ctx) {
        Principal p = Principals.of(ctx);
        String csrf = SessionCookie.of(ctx).map(SessionSecrets::csrfToken).orElse("");
        html(ctx, templates.render("overview.jte", new OverviewPage(p.name(), p.role().wire(), csrf, summaries.summary())));
    }

    /** The login page; over plain HTTP it warns, and says so when the login would be refused. */
    public void login(Context ctx) {
        RequestOrigin origin = RequestOrigin.of(ctx);
        html(ctx, templates.render("login.jte", java.util.Map.<String, Object>of("plainHttp", !origin.https(),
                "refused", !plainHttp.allows(origin))));
    }

    public void asset(Context ctx) {
        Assets.Asset a = assets.get(ctx.pathParam("name"))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no such console asset"));
        // Not hashed names yet: browsers revalidate after five minutes.
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType(a.contentType()).result(a.bytes());
    }

    public void summary(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(summaries.summary());
    }

    private static void html(Context ctx, String page) {
        ctx.contentType("text/html; charset=utf-8").result(page);
    }
}
