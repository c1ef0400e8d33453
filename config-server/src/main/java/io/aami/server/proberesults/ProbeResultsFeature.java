package io.aami.server.proberesults;

import static io.aami.contract.ApiPaths.PROBE_MATRIX;
import static io.aami.contract.ApiPaths.PROBE_RESULTS;
import static io.aami.contract.ApiPaths.TARGET_PROBES;
import static io.aami.contract.ApiPaths.TARGET_PROBE_RESULTS;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.AGENT;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.policy.PolicyService;
import io.aami.server.results.StreamIngest;
import io.aami.server.targets.TargetStore;

/**
 * Probe results: agents' ingest, each target's latest probe states and history, and the fleet's
 * connectivity matrix. Depends on the shared result streams, targets and policy (which probes a
 * target's bundle holds). The matrix's literal path wins over the probes feature's {@code /probes/{id}}
 * because the route table registers the most specific paths first.
 */
public final class ProbeResultsFeature {
    public static final RouteSet<ProbeResultHandler> ROUTES = RouteSet.of(ProbeResultHandler.class)
            .get(PROBE_MATRIX, ProbeResultHandler::matrix, VIEWER)
            .get(TARGET_PROBES, ProbeResultHandler::latest, VIEWER)
            .get(TARGET_PROBE_RESULTS, ProbeResultHandler::history, VIEWER)
            .post(PROBE_RESULTS, ProbeResultHandler::ingest, AGENT)
            .build();

    private final ProbeStateService state;

    public ProbeResultsFeature(ServerContext ctx, StreamIngest streams, TargetStore targets, PolicyService policies) {
        ProbeResultIngest ingest = new ProbeResultIngest(streams, ctx.config().results().maxBatch());
        state = new ProbeStateService(ctx.db(), targets, policies, ctx.clock());
        ProbeMatrixService matrix = new ProbeMatrixService(ctx.db(), targets, policies, ctx.clock());
        ctx.routes().bind(ROUTES, new ProbeResultHandler(ingest, state, matrix, ctx.bodies()));
    }

    /** Each target's latest probe states and their history (what the console's target page shows). */
    public ProbeStateService state() {
        return state;
    }
}
