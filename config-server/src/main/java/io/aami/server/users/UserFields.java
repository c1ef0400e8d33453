package io.aami.server.users;

import io.aami.server.error.ApiException;
import io.aami.server.security.Principal;
import io.aami.server.security.Role;
import io.aami.server.validation.Fields;
import java.util.regex.Pattern;

/** What a user's name, role and password must be; each failure a 400 naming the field. */
final class UserFields {
    static final int MIN_PASSWORD = 12;
    /** Argon2 reads the whole password: bounded so a huge one costs nothing extra (OWASP asks for at least 64). */
    static final int MAX_PASSWORD = 256;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** The names the audit log gives the shared tokens: no user may pass for one of them. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of(Principal.breakGlass().name(), Principal.monitoring().name());

    private UserFields() {
    }

    static String name(String value) {
        String name = Fields.required("name", value, 64);
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("name", "must be 1-64 characters of letters, digits and . _ @ -, starting with a letter or digit");
        }
        if (RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            throw ApiException.invalid("name", "'" + name + "' is what the audit log calls a shared token; pick another name");
        }
        return name;
    }

    static Role role(String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid("role", "is required: viewer, operator or admin");
        }
        return Role.fromWire(value.trim()).orElseThrow(() -> ApiException.invalid("role", "must be viewer, operator or admin"));
    }

    /** A password long enough to resist guessing, never the user's name; returned as given (no trimming). */
    static String password(String value, String userName) {
        if (value == null || value.isEmpty()) {
            throw ApiException.invalid("password", "is required");
        }
        int length = value.codePointCount(0, value.length());
        if (length < MIN_PASSWORD) {
            throw ApiException.invalid("password", "must be at least " + MIN_PASSWORD + " characters");
        }
        if (length > MAX_PASSWORD) {
            throw ApiException.invalid("password", "must be at most " + MAX_PASSWORD + " characters");
        }
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        boolean hasName = userName.length() >= 3 && lower.contains(userName.toLowerCase(java.util.Locale.ROOT));
        if (value.codePoints().distinct().count() < 4 || hasName) {
            throw ApiException.invalid("password", "is too easy to guess: use at least 4 different characters and not the user's name");
        }
        return value;
    }
}
