package io.aami.server.console.mytokens;

import io.aami.server.console.Console;
import io.aami.server.http.Principals;
import io.aami.server.users.UserTokenService;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** HTTP for {@code /ui/tokens}: one query (the caller's tokens), whatever their number. */
public final class MyTokensPageHandler {
    private static final List<MyTokensPage.Validity> CHOICES = List.of(new MyTokensPage.Validity("3600", "1 hour"),
            new MyTokensPage.Validity("14400", "4 hours"), new MyTokensPage.Validity("86400", "1 day"),
            new MyTokensPage.Validity("2592000", "30 days"), new MyTokensPage.Validity("31536000", "1 year"));

    private final Console console;
    private final UserTokenService tokens;
    private final Clock clock;

    MyTokensPageHandler(Console console, UserTokenService tokens, Clock clock) {
        this.console = console;
        this.tokens = tokens;
        this.clock = clock;
    }

    public void page(Context ctx) {
        Optional<UUID> me = Principals.of(ctx).user();
        Instant sessionEnd = Principals.sessionEnd(ctx);
        console.render(ctx, "mytokens/page.jte", new MyTokensPage(console.page(ctx, "tokens"), me.isPresent(),
                me.map(tokens::list).orElse(List.of()), validities(sessionEnd), sessionEnd));
    }

    /** The choices a token made now may have: those ending before the session does, then "as long as allowed". */
    private List<MyTokensPage.Validity> validities(Instant sessionEnd) {
        List<MyTokensPage.Validity> out = new ArrayList<>();
        Instant now = clock.instant();
        for (MyTokensPage.Validity v : CHOICES) {
            if (sessionEnd == null || !now.plus(Duration.ofSeconds(Long.parseLong(v.seconds()))).isAfter(sessionEnd)) {
                out.add(v);
            }
        }
        out.add(new MyTokensPage.Validity("", sessionEnd == null ? "No expiry" : "Until this console session ends"));
        return out;
    }
}
