package io.aami.server.users;

import io.aami.contract.ErrorCode;
import io.aami.contract.users.LoginTokenRequest;
import io.aami.contract.users.UserTokenView;
import io.aami.server.audit.Actor;
import io.aami.server.error.ApiException;
import io.aami.server.http.RateLimiter;
import io.aami.server.security.Principal;
import io.aami.server.validation.Fields;
import java.time.Clock;
import java.util.Locale;

/**
 * A user's own API token for its name and password ({@code POST /api/v1/login/tokens}): how a user gets its first
 * token, since an admin may not create one for it (that would let the admin act, and be audited, as the user).
 * Failed attempts are limited per source address ({@link #ADDRESS_BURST}, then {@link #ADDRESS_PER_SECOND}) and
 * per user name ({@link #USER_BURST}, then {@link #USER_PER_SECOND}: 5 a minute), counted before the password is
 * checked, so guessing one user's password from many addresses is as slow as from one. Argon2 work is bounded by
 * {@link io.aami.server.security.PasswordHasher} (503 when it is busy). The console's session login
 * ({@link #authenticate}) shares the same limits, so the two doors together are no faster than one.
 */
public final class PasswordLogin {
    static final int ADDRESS_BURST = 20;
    static final double ADDRESS_PER_SECOND = 1;
    static final int USER_BURST = 5;
    static final double USER_PER_SECOND = 1 / 12.0;

    private final UserService users;
    private final UserTokenService tokens;
    private final RateLimiter byAddress;
    private final RateLimiter byUser;

    PasswordLogin(UserService users, UserTokenService tokens, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.byAddress = new RateLimiter(ADDRESS_PER_SECOND, ADDRESS_BURST, clock, 100_000);
        this.byUser = new RateLimiter(USER_PER_SECOND, USER_BURST, clock, 100_000);
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
        refuseWhenLimited(byAddress, address, "failed logins from this address");
        refuseWhenLimited(byUser, user, "failed logins for this user");
        Principal p = users.authenticate(user, password).orElse(null);
        if (p == null) {
            byAddress.acquire(address);
            byUser.acquire(user);
            throw new ApiException(ErrorCode.UNAUTHORIZED, "wrong user name or password (or the user is disabled)");
        }
        return p;
    }

    private static void refuseWhenLimited(RateLimiter limiter, String key, String what) {
        limiter.waitFor(key).ifPresent(wait -> {
            throw ApiException.retryLater(ErrorCode.RATE_LIMITED, "too many " + what + "; retry later", wait);
        });
    }
}
