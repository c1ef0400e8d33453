package io.aami.contract.users;

/**
 * Body of {@code PUT /api/v1/users/{id}/password}: the new password (12-256 characters) and whether the
 * user's API tokens are revoked with the old password ({@code revoke_tokens}, default true: a reset is
 * usually because something leaked).
 */
public record PasswordRequest(String password, Boolean revokeTokens) {
    public PasswordRequest(String password) {
        this(password, null);
    }
}
