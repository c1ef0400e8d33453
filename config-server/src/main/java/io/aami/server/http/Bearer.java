package io.aami.server.http;

import io.javalin.http.Context;
import java.util.Optional;

/** The credential of an {@code Authorization: Bearer <token>} header. */
public final class Bearer {
    private Bearer() {
    }

    public static Optional<String> from(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
