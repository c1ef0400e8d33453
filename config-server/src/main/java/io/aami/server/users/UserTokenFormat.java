package io.aami.server.users;

import io.aami.contract.registration.AgentTokenFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code aami_u_<token id, 32 hex>_<secret, 43 of [a-z0-9]>}: the prefix lets secret scanners find a leaked
 * token and lets the server tell a user token from any other credential without a query; the id finds its row
 * by primary key (no scan, no lookup by secret). Only the whole token's SHA-256 is stored.
 */
final class UserTokenFormat {
    static final String PREFIX = "aami_u_";
    static final int SECRET_LENGTH = AgentTokenFormat.RANDOM_CHARACTERS;
    private static final Pattern TOKEN = Pattern.compile("aami_u_([0-9a-f]{32})_([a-z0-9]{" + SECRET_LENGTH + "})");

    private UserTokenFormat() {
    }

    static String format(UUID id, String secret) {
        return PREFIX + id.toString().replace("-", "") + "_" + secret;
    }

    /** The token's id, or empty when {@code token} cannot be a user token by its form. */
    static Optional<UUID> id(String token) {
        if (token == null || token.length() != PREFIX.length() + 33 + SECRET_LENGTH) {
            return Optional.empty();
        }
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        String hex = m.group(1);
        return Optional.of(new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16)));
    }
}
