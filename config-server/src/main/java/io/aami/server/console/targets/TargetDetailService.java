package io.aami.server.console.targets;

import io.aami.server.checkresults.CheckStateService;
import io.aami.server.db.Database;
import io.aami.server.discovery.DependencyService;
import io.aami.server.proberesults.ProbeStateService;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads one target's page: the record and its group's name, then its checks' and probes' latest states through the
 * result features' services (the API's own rules: the target's policy, staleness), and what discovery saw through
 * the discovery feature's service (the API's own reads). A fixed number of queries, whatever the number of checks
 * and probes. Empty when there is no such target (the page answers 404).
 */
final class TargetDetailService {
    private final Database db;
    private final TargetStore targets;
    private final TargetListStore names = new TargetListStore();
    private final CheckStateService checks;
    private final ProbeStateService probes;
    private final DependencyService discovery;

    TargetDetailService(Database db, TargetStore targets, CheckStateService checks, ProbeStateService probes,
                        DependencyService discovery) {
        this.db = db;
        this.targets = targets;
        this.checks = checks;
        this.probes = probes;
        this.discovery = discovery;
    }

    Optional<TargetDetail> detail(UUID id) {
        Optional<Target> target = db.withConnection(c -> targets.find(c, id));
        if (target.isEmpty()) {
            return Optional.empty();
        }
        UUID group = target.get().groupId();
        String groupName = group == null ? null : db.withConnection(c -> names.groupName(c, group));
        return Optional.of(new TargetDetail(target.get().view(), groupName, checks.latest(id), probes.latest(id),
                discovery.everything(id)));
    }
}
