package io.aami.server.console.users;

import io.aami.server.console.Console;
import io.aami.server.http.Params;
import io.aami.server.security.Role;
import io.aami.server.users.UserService;
import io.aami.server.users.UserTokenService;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** HTTP for {@code /ui/users} (one query) and {@code /ui/users/{id}} (the user, then its tokens: a few queries). */
public final class UserPagesHandler {
    private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::wire).toList();

    private final Console console;
    private final UserService users;
    private final UserTokenService tokens;

    UserPagesHandler(Console console, UserService users, UserTokenService tokens) {
        this.console = console;
        this.users = users;
        this.tokens = tokens;
    }

    public void list(Context ctx) {
        console.render(ctx, "users/list.jte", new UsersPage(console.page(ctx, "users"), users.list(), ROLES));
    }

    public void detail(Context ctx) {
        UUID id = Params.pathId(ctx);
        console.render(ctx, "users/detail.jte", new UserPage(console.page(ctx, "users"), users.get(id), tokens.list(id), ROLES));
    }
}
