package io.aami.server.console.checks;

import io.aami.contract.checks.CheckView;
import io.aami.server.checks.CheckSecrets;
import io.aami.server.console.Console;
import io.aami.server.console.Page;
import io.aami.server.http.Params;
import io.aami.server.http.Principals;
import io.javalin.http.Context;
import java.util.List;

/**
 * HTTP for the check pages. They only read; their forms and buttons write through the checks API
 * ({@code console.js}), which validates, checks the role and audits. A viewer gets no form and no {@code env} value.
 */
public final class CheckPagesHandler {
    private final CheckPagesService service;
    private final Console console;

    CheckPagesHandler(CheckPagesService service, Console console) {
        this.service = service;
        this.console = console;
    }

    public void list(Context ctx) {
        List<CheckRow> rows = service.list();
        boolean more = rows.size() > CheckPagesStore.MAX_CHECKS;
        console.render(ctx, "checks/list.jte", new CheckPages.ListPage(console.page(ctx, "checks"),
                more ? rows.subList(0, CheckPagesStore.MAX_CHECKS) : rows, more));
    }

    public void create(Context ctx) {
        console.render(ctx, "checks/new.jte", new CheckPages.NewPage(console.page(ctx, "checks"), service.form(null)));
    }

    public void show(Context ctx) {
        Page page = console.page(ctx, "checks");
        CheckView check = CheckSecrets.visibleTo(Principals.of(ctx), service.check(Params.pathId(ctx)));
        CheckRow row = service.row(check.id());
        console.render(ctx, "checks/check.jte", new CheckPages.CheckPage(page, check, row, service.statuses(check.id()),
                service.failing(check), page.canOperate() ? service.form(check) : null));
    }
}
