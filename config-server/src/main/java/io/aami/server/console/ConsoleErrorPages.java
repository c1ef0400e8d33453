package io.aami.server.console;

import io.aami.server.error.ApiException;
import io.aami.server.http.ErrorPages;
import io.aami.server.http.Principals;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The console's error page: an unknown or malformed id, a page the role may not see, a database gone away, drawn in
 * the frame (navigation for whoever is signed in, none for a request with no principal, such as a page that does not
 * exist) with a link back to the section's list.
 */
final class ConsoleErrorPages implements ErrorPages {
    /** A page's section (the path's segment after {@code /ui/}): the navigation entry and the list to go back to. */
    private static final Map<String, String> SECTIONS = Map.of("targets", "All targets", "checks", "All checks",
            "probes", "All probes", "matrix", "The probe matrix", "bootstrap-tokens", "All bootstrap tokens",
            "tokens", "My API tokens", "users", "All users", "audit", "The audit log");

    private final Console console;

    ConsoleErrorPages(Console console) {
        this.console = console;
    }

    @Override
    public boolean render(Context ctx, ApiException e) {
        String section = section(ctx.path());
        String label = SECTIONS.get(section);
        // The frame's navigation only for a user's role: not the monitoring token's, nor a request with no principal.
        boolean user = Principals.find(ctx).map(p -> p.role() != null).orElse(false);
        Page page = user ? console.page(ctx, label == null ? "overview" : section) : console.anonymous();
        // Back to the section's list, unless there is no user to see it or the section itself was refused.
        boolean toSection = label != null && page.user() != null && e.code().status() != 403;
        console.render(ctx, "error.jte", new ErrorPage(page, e.code(), e.getMessage(), e.field(), toSection ? "/ui/" + section : "/ui",
                toSection ? label : "The overview"));
        return true;
    }

    /** {@code /ui/checks/abc} → {@code checks}; {@code /ui} → empty. */
    static String section(String path) {
        String rest = path.length() > 4 ? path.substring(4) : "";
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
