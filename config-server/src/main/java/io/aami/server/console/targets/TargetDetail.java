package io.aami.server.console.targets;

import io.aami.contract.checks.CheckStateView;
import io.aami.contract.discovery.TargetDiscoveryView;
import io.aami.contract.probes.ProbeStateView;
import io.aami.contract.targets.TargetView;
import java.util.List;

/**
 * What the target page shows: the target, its group's name (null: no group), its checks' and probes' latest states,
 * and what host discovery last saw on it (services, dependencies, connection states).
 */
public record TargetDetail(TargetView target, String groupName, List<CheckStateView> checks, List<ProbeStateView> probes,
                           TargetDiscoveryView discovery) {
}
