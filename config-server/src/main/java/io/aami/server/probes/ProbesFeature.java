package io.aami.server.probes;

import static io.aami.contract.ApiPaths.PROBE;
import static io.aami.contract.ApiPaths.PROBES;
import static io.aami.server.http.Access.ADMIN;

import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.policy.PolicyService;
import io.aami.server.targets.TargetStore;

/**
 * Probe definitions: the admin API, and the {@link #expansion} of a target's probes that policy
 * bundles carry (through the {@link PolicyService.ProbeSource} port policy declares).
 * Depends on groups and targets, and implements policy's port.
 */
public final class ProbesFeature {
    public static final RouteSet<ProbeHandler> ROUTES = RouteSet.of(ProbeHandler.class)
            .post(PROBES, ProbeHandler::create, ADMIN)
            .get(PROBES, ProbeHandler::list, ADMIN)
            .get(PROBE, ProbeHandler::get, ADMIN)
            .put(PROBE, ProbeHandler::replace, ADMIN)
            .delete(PROBE, ProbeHandler::delete, ADMIN)
            .build();

    private final ProbeStore store = new ProbeStore();

    public ProbesFeature(ServerContext ctx, GroupService groups, TargetStore targets) {
        ProbeService service = new ProbeService(ctx.db(), store, groups, targets, ctx.clock());
        ctx.routes().bind(ROUTES, new ProbeHandler(service, ctx.bodies()));
    }

    /** The probes of a target, for its policy bundle. */
    public PolicyService.ProbeSource expansion() {
        return new ProbeExpansion(store);
    }
}
