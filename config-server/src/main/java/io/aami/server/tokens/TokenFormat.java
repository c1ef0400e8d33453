package io.aami.server.tokens;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code aami_<6-char id>.<32-char secret>}, lowercase letters and digits (kubelet's id.secret
 * bootstrap tokens, with a prefix secret scanners can find). The id is public; only the secret is
 * hashed and compared.
 */
public final class TokenFormat {
    public static final int ID_LENGTH = 6;
    public static final int SECRET_LENGTH = 32;
    private static final Pattern TOKEN = Pattern.compile("aami_([a-z0-9]{6})\\.([a-z0-9]{32})");

    public record Parts(String id, String secret) {
    }

    private TokenFormat() {
    }

    public static String format(String id, String secret) {
        return "aami_" + id + "." + secret;
    }

    public static Optional<Parts> parse(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Matcher m = TOKEN.matcher(token.trim());
        return m.matches() ? Optional.of(new Parts(m.group(1), m.group(2))) : Optional.empty();
    }
}
