package io.aami.server.probes;

import static io.aami.contract.ApiPaths.PROBE;
import static io.aami.contract.ApiPaths.PROBE_ENABLED;
import static io.aami.contract.ApiPaths.PROBES;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.OPERATOR;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.policy.PolicyService;
import io.aami.server.targets.TargetStore;

/**
 * Probe definitions: the admin API, and the {@link #expansion} of a target's probes that policy
 * bundles carry (through the {@link PolicyService.ProbeSource} port policy declares).
 * Depends on audit, groups and targets, and implements policy's port.
 */
public final class ProbesFeature {
    public static final RouteSet<ProbeHandler> ROUTES = RouteSet.of(ProbeHandler.class)
            .post(PROBES, ProbeHandler::create, OPERATOR)
            .get(PROBES, ProbeHandler::list, VIEWER)
            .get(PROBE, ProbeHandler::get, VIEWER)
            .put(PROBE, ProbeHandler::replace, OPERATOR)
            .delete(PROBE, ProbeHandler::delete, OPERATOR)
            .put(PROBE_ENABLED, ProbeHandler::setEnabled, OPERATOR)
            .build();

    private final ProbeStore store = new ProbeStore();

    private final ProbeService service;

    public ProbesFeature(ServerContext ctx, GroupService groups, TargetStore targets, AuditTrail audit) {
        service = new ProbeService(ctx.db(), store, groups, targets, audit, ctx.clock());
        ctx.routes().bind(ROUTES, new ProbeHandler(service, ctx.bodies()));
    }

    /** The probes of a target, for its policy bundle. */
    public PolicyService.ProbeSource expansion() {
        return new ProbeExpansion(store);
    }

    /** The definitions' rules, for the console's pages. */
    public ProbeService service() {
        return service;
    }
}
