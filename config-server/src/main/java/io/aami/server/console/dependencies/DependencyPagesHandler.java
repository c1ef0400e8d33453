package io.aami.server.console.dependencies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.discovery.DependencyGraph;
import io.aami.contract.discovery.UncoveredDependency;
import io.aami.server.console.Console;
import io.aami.server.discovery.DependencyService;
import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;

/**
 * HTTP for the dependency page. {@code group_id} is read leniently (a malformed one is none: the whole fleet), so the
 * page always answers; one that names no group is a 404 (the console's error page), as the API answers.
 */
public final class DependencyPagesHandler {
    private final Console console;
    private final DependencyService discovery;
    private final ObjectMapper mapper;

    DependencyPagesHandler(Console console, DependencyService discovery, ObjectMapper mapper) {
        this.console = console;
        this.discovery = discovery;
        this.mapper = mapper;
    }

    public void page(Context ctx) {
        UUID group = uuid(ctx.queryParam("group_id"));
        DependencyGraph graph = discovery.graph(group);
        List<DependencyPage.Uncovered> uncovered = discovery.uncovered().stream()
                .filter(u -> group == null || group.equals(u.sourceGroupId()) || group.equals(u.peer().groupId()))
                .map(u -> new DependencyPage.Uncovered(u, json(u))).toList();
        console.render(ctx, "dependencies/page.jte", new DependencyPage(console.page(ctx, "dependencies"), group, graph, uncovered));
    }

    /** The probe as the probes API takes it, for the button's {@code data-body} (the template escapes it). */
    private String json(UncoveredDependency u) {
        try {
            return mapper.writeValueAsString(u.probe());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a probe request that cannot be written as JSON", e);
        }
    }

    private static UUID uuid(String s) {
        try {
            return s == null || s.length() != 36 ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

}
