package io.aami.contract.users;

/** Answer of {@code DELETE /api/v1/me/tokens} and {@code /api/v1/users/{id}/tokens}: how many live tokens were revoked. */
public record TokensRevoked(int revoked) {
}
