package io.aami.contract.registration;

/**
 * How an {@code agent_token} looks, whoever makes it (the server for older agents, the agent itself
 * otherwise): a recognisable prefix for secret scanners, then {@link #RANDOM_CHARACTERS} characters drawn
 * uniformly from {@link #ALPHABET} by a cryptographic generator (about 222 bits).
 */
public final class AgentTokenFormat {
    public static final String PREFIX = "aami_agent_";
    public static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    public static final int RANDOM_CHARACTERS = 43;
    /** {@code agent_token_sha256}: the SHA-256 of the UTF-8 token, 64 lowercase hex digits. */
    public static final String SHA256_HEX = "[0-9a-f]{64}";

    private AgentTokenFormat() {
    }
}
