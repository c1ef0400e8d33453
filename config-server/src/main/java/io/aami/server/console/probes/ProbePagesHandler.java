package io.aami.server.console.probes;

import io.aami.contract.probes.ProbeView;
import io.aami.server.console.Console;
import io.aami.server.console.Page;
import io.aami.server.http.Params;
import io.javalin.http.Context;
import java.util.List;

/**
 * HTTP for the probe pages and the probe matrix. They only read; their forms and buttons write through the probes
 * API ({@code console.js}), which validates, checks the role and audits. A viewer gets no form.
 */
public final class ProbePagesHandler {
    private final ProbePagesService service;
    private final Console console;

    ProbePagesHandler(ProbePagesService service, Console console) {
        this.service = service;
        this.console = console;
    }

    public void list(Context ctx) {
        List<ProbeRow> rows = service.list();
        boolean more = rows.size() > ProbePagesStore.MAX_PROBES;
        console.render(ctx, "probes/list.jte", new ProbePages.ListPage(console.page(ctx, "probes"),
                more ? rows.subList(0, ProbePagesStore.MAX_PROBES) : rows, more));
    }

    public void create(Context ctx) {
        console.render(ctx, "probes/new.jte", new ProbePages.NewPage(console.page(ctx, "probes"), service.form(null)));
    }

    public void show(Context ctx) {
        Page page = console.page(ctx, "probes");
        ProbeView probe = service.probe(Params.pathId(ctx));
        ProbeRow row = service.row(probe.id());
        console.render(ctx, "probes/probe.jte", new ProbePages.ProbePage(page, probe, row, service.failing(probe.id()),
                page.canOperate() ? service.form(probe) : null));
    }

    public void matrix(Context ctx) {
        console.render(ctx, "probes/matrix.jte", service.matrix(console.page(ctx, "matrix")));
    }

    public void pairs(Context ctx) {
        console.render(ctx, "probes/pairs.jte", service.pairs(console.page(ctx, "matrix"), ctx.queryParam("source_group"),
                ctx.queryParam("destination_group")));
    }
}
