package io.aami.agent.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A local API credential ({@code api.token}, {@code api.token_file}, {@code api.metrics_token_file}), held as its
 * SHA-256 only: the agent keeps no copy of the token itself once its configuration is loaded, and a heap dump or a
 * logged configuration record shows no credential. A presented token is hashed and the two digests are compared in
 * constant time, so neither the comparison nor the digests' equal length tell a caller how much of a guess was right.
 */
public final class ApiToken {
    private final byte[] sha256;

    private ApiToken(byte[] sha256) {
        this.sha256 = sha256;
    }

    /** The credential whose token is {@code token} (not blank). */
    public static ApiToken of(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("an API token must not be blank");
        }
        return new ApiToken(sha256(token));
    }

    /** Whether {@code presented} is this token; false for null. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(sha256, sha256(presented));
    }

    /** Whether both credentials are the same token (a metrics token equal to api.token would grant everything). */
    boolean sameAs(ApiToken other) {
        return other != null && MessageDigest.isEqual(sha256, other.sha256);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiToken other && sameAs(other);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(sha256);
    }

    /** Never the token, nor its digest: a configuration record may be logged. */
    @Override
    public String toString() {
        return "ApiToken[redacted]";
    }
}
