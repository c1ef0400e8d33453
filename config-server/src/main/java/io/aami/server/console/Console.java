package io.aami.server.console;

import io.aami.server.http.Principals;
import io.aami.server.http.SessionCookie;
import io.aami.server.security.Principal;
import io.aami.server.security.SessionSecrets;
import io.javalin.http.Context;

/**
 * The console's frame, shared by every page feature ({@code console.*} packages take it from
 * {@link ConsoleFeature#console()}): one set of precompiled templates, the hashed assets, and the {@link Page} a
 * template's layout is drawn with. A page feature's handler reads its data through its own service and calls
 * {@link #render}; the write controls it draws post JSON to the API routes through {@code console.js}, so every
 * change keeps the API's validation, roles and audit.
 */
public final class Console {
    private final Templates templates;
    private final Assets assets;

    Console(Templates templates, Assets assets) {
        this.templates = templates;
        this.assets = assets;
    }

    /** The frame of a page for this request's user, with {@code active} as the current navigation entry. */
    public Page page(Context ctx, String active) {
        Principal p = Principals.of(ctx);
        String csrf = SessionCookie.of(ctx).map(SessionSecrets::csrfToken).orElse("");
        return new Page(p.name(), p.role(), csrf, active, assets);
    }

    /** The frame of a page nobody is signed in to (the login page). */
    public Page anonymous() {
        return new Page(null, null, "", "", assets);
    }

    /** Renders {@code template} (e.g. {@code "targets.jte"}) with its one parameter as the answer's HTML. */
    public void render(Context ctx, String template, Object model) {
        ctx.contentType("text/html; charset=utf-8").result(templates.render(template, model));
    }

    Assets assets() {
        return assets;
    }
}
