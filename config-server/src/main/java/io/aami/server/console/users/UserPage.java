package io.aami.server.console.users;

import io.aami.contract.users.UserTokenView;
import io.aami.contract.users.UserView;
import io.aami.server.console.Page;
import java.util.List;

/** One user's page: the user, its API tokens (never their secrets), and the roles the role form offers. */
public record UserPage(Page page, UserView user, List<UserTokenView> tokens, List<String> roles) {
    /** Whether a token can still be used: not revoked nor expired. */
    public static boolean live(UserTokenView t) {
        return t.revokedAt() == null && !t.expired();
    }

    public static String state(UserTokenView t) {
        return t.revokedAt() != null ? "revoked" : t.expired() ? "expired" : "live";
    }

    /** Whether the user has a token left to revoke (the "revoke all" button is drawn then). */
    public boolean anyLive() {
        return tokens.stream().anyMatch(UserPage::live);
    }
}
