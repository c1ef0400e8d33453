package io.aami.server.users;

import io.aami.contract.ErrorCode;
import io.aami.contract.users.LoginTokenRequest;
import io.aami.contract.users.UserTokenView;
import io.aami.server.audit.Actor;
import io.aami.server.error.ApiException;
import io.aami.server.security.Principal;
import io.aami.server.validation.Fields;
import java.time.Duration;
import java.util.Locale;

/**
 * A user's own API token for its name and password ({@code POST /api/v1/login/tokens}): how a user gets its first
 * token, since an admin may not create one for it (that would let the admin act, and be audited, as the user).
 * Failed attempts are limited per client address ({@link #ADDRESS_BURST}, then one a second) and per user name
 * ({@link #USER_BURST}, then one every 12 s: 5 a minute), checked before the password is, so guessing one user's
 * password from many addresses is as slow as from one. The failures are counted in PostgreSQL ({@link LoginFailures}),
 * so every replica shares the limits. Argon2 work is bounded by {@link io.aami.server.security.PasswordHasher} (503 when
 * it is busy). The console's session login ({@link #authenticate}) shares the same limits, so the two doors together are
 * no faster than one.
 */
public final class PasswordLogin {
    static final int ADDRESS_BURST = 20;
    static final Duration ADDRESS_STEP = Duration.ofSeconds(1);
    static final int USER_BURST = 5;
    static final Duration USER_STEP = Duration.ofSeconds(12);

    private final UserService users;
    private final UserTokenService tokens;
    private final LoginFailures failures;

    PasswordLogin(UserService users, UserTokenService tokens, LoginFailures failures) {
        this.users = users;
        this.tokens = tokens;
        this.failures = failures;
    }

    UserTokenView token(LoginTokenRequest req, String address) {
        Fields.required("user", req.user(), 64);
        Fields.required("name", req.name(), 100);
        Principal p = authenticate(req.user(), req.password(), address);
        // The user who logged in made the token: it is audited as theirs, from the address that asked.
        return tokens.create(Actor.of(p, address), p.userId(), req.token(), null, null);
    }

    /**
     * The user a name and password belong to: 400 without a name, 429 past a limit, 401 for a wrong name or
     * password or a disabled user (the same answer for each, so it does not tell which).
     */
    public Principal authenticate(String name, String password, String address) {
        String user = Fields.required("user", name, 64).toLowerCase(Locale.ROOT);
        failures.limited(address, user).ifPresent(l -> {
            throw ApiException.retryLater(ErrorCode.RATE_LIMITED, "too many failed logins "
                    + (l.scope().equals(LoginFailures.ADDRESS) ? "from this address" : "for this user") + "; retry later", l.retryAfter());
        });
        Principal p = users.authenticate(user, password).orElse(null);
        if (p == null) {
            failures.failed(address, user);
            throw new ApiException(ErrorCode.UNAUTHORIZED, "wrong user name or password (or the user is disabled)");
        }
        return p;
    }

    /** Forgets failures whose limit has passed (the hourly prune); how many rows went. */
    int prune() {
        return failures.prune();
    }
}
