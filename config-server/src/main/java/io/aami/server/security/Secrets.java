package io.aami.server.security;

import io.aami.contract.registration.AgentTokenFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Random secrets and their hashes. Every secret we issue has at least 160 bits of entropy, so a
 * plain SHA-256 is the right stored form (a slow password hash protects guessable secrets, which
 * these are not); comparison is constant-time.
 */
public final class Secrets {
    private static final char[] ALPHABET = AgentTokenFormat.ALPHABET.toCharArray();

    private final SecureRandom random;

    public Secrets(SecureRandom random) {
        this.random = random;
    }

    /** {@code length} characters of {@code [a-z0-9]}. */
    public String randomString(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    /** A new agent credential: recognisable prefix (secret scanners), 43 random characters (~222 bits). */
    public String agentToken() {
        return AgentTokenFormat.PREFIX + randomString(AgentTokenFormat.RANDOM_CHARACTERS);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Constant-time: compares {@code presented} against a stored hash without leaking where they differ. */
    public static boolean matches(byte[] storedSha256, String presented) {
        return storedSha256 != null && presented != null && MessageDigest.isEqual(storedSha256, sha256(presented));
    }
}
