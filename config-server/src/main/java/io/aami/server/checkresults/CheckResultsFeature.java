package io.aami.server.checkresults;

import static io.aami.contract.ApiPaths.CHECK_RESULTS;
import static io.aami.contract.ApiPaths.TARGET_CHECKS;
import static io.aami.contract.ApiPaths.TARGET_CHECK_RESULTS;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.AGENT;

import io.aami.contract.policy.PolicyBundle;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.policy.PolicyService;
import io.aami.server.results.StreamIngest;
import io.aami.server.targets.TargetStore;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Check results: agents' ingest, and each target's latest check states and history for admins.
 * Depends on the shared result streams, targets and policy (which checks a target's bundle holds: for
 * the latest state, and for results, which may only be filed under a check assigned to their agent).
 * Exports {@code aami_check_results_policy_recomputes_total}: a target's checks computed afresh because a batch
 * named one its cached policy lacks ({@link CheckResultValidator} limits how often).
 */
public final class CheckResultsFeature {
    public static final RouteSet<CheckResultHandler> ROUTES = RouteSet.of(CheckResultHandler.class)
            .get(TARGET_CHECKS, CheckResultHandler::latest, VIEWER)
            .get(TARGET_CHECK_RESULTS, CheckResultHandler::history, VIEWER)
            .post(CHECK_RESULTS, CheckResultHandler::ingest, AGENT)
            .build();

    private final CheckStateService state;

    public CheckResultsFeature(ServerContext ctx, StreamIngest streams, TargetStore targets, PolicyService policies) {
        CheckResultStore results = new CheckResultStore();
        state = new CheckStateService(ctx.db(), targets, policies, results, new CheckLatestStore(), ctx.clock());
        Counter recomputes = Counter.builder().name("aami_check_results_policy_recomputes_total")
                .help("Targets' checks computed afresh from the database because a result batch named one their cached policy lacks")
                .register(ctx.registry());
        CheckResultValidator validator = new CheckResultValidator(ctx.config().results().maxBatch(),
                target -> assigned(policies.current(target)), target -> {
                    recomputes.inc();
                    return assigned(policies.recomputed(target));
                }, ctx.clock());
        CheckResultIngest ingest = new CheckResultIngest(streams, results, new CheckResultKeyStore(), validator,
                ctx.config().results().retention());
        ctx.routes().bind(ROUTES, new CheckResultHandler(ingest, state, ctx.bodies()));
    }

    /** Each target's latest check states and their history (what the console's target page shows). */
    public CheckStateService state() {
        return state;
    }

    /** The checks of a bundle by name (unique within a bundle: the names a result may use) and by id. */
    private static CheckResultValidator.Assigned assigned(PolicyBundle bundle) {
        Map<String, UUID> byName = new HashMap<>();
        Set<UUID> ids = new HashSet<>();
        bundle.checks().forEach(spec -> {
            byName.put(spec.name(), spec.checkId());
            ids.add(spec.checkId());
        });
        return new CheckResultValidator.Assigned(byName, ids);
    }
}
