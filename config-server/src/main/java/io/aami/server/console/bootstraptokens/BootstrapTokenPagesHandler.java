package io.aami.server.console.bootstraptokens;

import io.aami.contract.groups.GroupView;
import io.aami.contract.tokens.BootstrapTokenView;
import io.aami.server.console.Console;
import io.aami.server.error.ApiException;
import io.aami.server.groups.GroupService;
import io.aami.server.tokens.BootstrapTokenService;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * HTTP for the bootstrap-token pages. Each page is a fixed number of queries whatever the number of tokens or uses:
 * the newest tokens (one, LIMIT one more than drawn, to know whether there are more), the groups (one, for their
 * names and the form's choice), a token's page: the token, its group, its uses.
 */
public final class BootstrapTokenPagesHandler {
    /** Rows drawn on the list; a fleet enrolled with a token per host has more, and the page must stay small. */
    static final int MAX_ROWS = 500;
    private static final Pattern TOKEN_ID = Pattern.compile("[a-z0-9]{6}");

    private final Console console;
    private final BootstrapTokenService tokens;
    private final GroupService groups;
    private final InstallCommand install;

    BootstrapTokenPagesHandler(Console console, BootstrapTokenService tokens, GroupService groups, InstallCommand install) {
        this.console = console;
        this.tokens = tokens;
        this.groups = groups;
        this.install = install;
    }

    public void list(Context ctx) {
        List<BootstrapTokenView> newest = tokens.newest(MAX_ROWS + 1);
        List<GroupView> groupList = groups.list();
        Map<UUID, String> names = groupList.stream().collect(Collectors.toMap(GroupView::id, GroupView::name, (a, b) -> a));
        List<TokenRow> rows = newest.stream().limit(MAX_ROWS).map(t -> new TokenRow(t, names.get(t.groupId()))).toList();
        console.render(ctx, "bootstraptokens/list.jte", new BootstrapTokensPage(console.page(ctx, "bootstrap-tokens"), rows,
                newest.size() > MAX_ROWS, groupList, install.line(ctx.header("Host")), install.tls()));
    }

    public void detail(Context ctx) {
        String id = ctx.pathParam("id");
        if (!TOKEN_ID.matcher(id).matches()) {
            throw ApiException.notFound("bootstrap token", "(malformed id)");
        }
        BootstrapTokenView token = tokens.get(id);
        String groupName = token.groupId() == null ? null : groupName(token.groupId());
        console.render(ctx, "bootstraptokens/detail.jte", new BootstrapTokenPage(console.page(ctx, "bootstrap-tokens"),
                new TokenRow(token, groupName), tokens.uses(id)));
    }

    /** The group's name, or null when it is gone (the row then shows its id). */
    private String groupName(UUID id) {
        try {
            return groups.get(id).name();
        } catch (ApiException e) {
            return null;
        }
    }
}
