package io.aami.contract.users;

/** Body of {@code PUT /api/v1/users/{id}/password}: the new password (12-256 characters). */
public record PasswordRequest(String password) {
}
