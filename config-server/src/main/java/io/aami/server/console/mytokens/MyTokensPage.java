package io.aami.server.console.mytokens;

import io.aami.contract.users.UserTokenView;
import io.aami.server.console.Page;
import java.time.Instant;
import java.util.List;

/**
 * The page's model: the caller's tokens (empty and {@code user} false for the break-glass admin token, which has
 * none), the validity choices that fit before {@code sessionEnd} (a token made with a session expires no later than
 * it; null with a bearer token).
 */
public record MyTokensPage(Page page, boolean user, List<UserTokenView> tokens, List<Validity> validities, Instant sessionEnd) {
    /** One choice of the form's validity: seconds (empty: as long as allowed) and its words. */
    public record Validity(String seconds, String label) {
    }

    /** Whether a token can still be used: not revoked nor expired. */
    public static boolean live(UserTokenView t) {
        return t.revokedAt() == null && !t.expired();
    }

    public static String state(UserTokenView t) {
        return t.revokedAt() != null ? "revoked" : t.expired() ? "expired" : "live";
    }
}
