package io.aami.server.console.bootstraptokens;

import io.aami.contract.tokens.BootstrapTokenView;

/** One token as the pages show it: the API's view, its group's name (null: any group), and one word for its state. */
public record TokenRow(BootstrapTokenView token, String groupName) {
    /** revoked, expired, used up or active: what decides whether an agent can still enroll with it. */
    public String state() {
        if (token.revoked()) {
            return "revoked";
        }
        if (token.expired()) {
            return "expired";
        }
        return token.remaining() == 0 ? "used up" : "active";
    }

    /** The badge class of {@link #state} (console.css). */
    public String badge() {
        return switch (state()) {
            case "active" -> "ok";
            case "revoked" -> "revoked";
            default -> "disabled";
        };
    }

    /** Whether an operator is offered to revoke it. */
    public boolean revocable() {
        return !token.revoked();
    }

    public String group() {
        return token.groupId() == null ? "any" : groupName == null ? token.groupId().toString() : groupName;
    }
}
