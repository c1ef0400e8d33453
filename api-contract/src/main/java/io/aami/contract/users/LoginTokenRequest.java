package io.aami.contract.users;

import java.time.Instant;

/**
 * Body of {@code POST /api/v1/login/tokens}: the user's name and password, and the new token as in
 * {@link UserTokenRequest} ({@code name}, optionally {@code ttl_seconds} or {@code expires_at}).
 */
public record LoginTokenRequest(String user, String password, String name, Long ttlSeconds, Instant expiresAt) {
    public UserTokenRequest token() {
        return new UserTokenRequest(name, ttlSeconds, expiresAt);
    }

    @Override
    public String toString() {
        return "LoginTokenRequest[user=" + user + ", name=" + name + "]";
    }
}
