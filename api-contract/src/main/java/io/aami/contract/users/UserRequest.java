package io.aami.contract.users;

/**
 * Body of {@code POST /api/v1/users}: a name (1-64 characters of {@code a-z 0-9 . _ @ -}, unique without
 * regard to case), a role ({@code viewer}, {@code operator}, {@code admin}) and the first password.
 */
public record UserRequest(String name, String role, String password) {
}
