package io.aami.server.probes;

import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeView;
import io.aami.server.policy.PolicyService;
import io.aami.server.targets.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The probes a target runs: global, its group's and its own (a same-named narrower probe wins), with
 * group-to-group probes expanded into one probe per member of the destination group that has an
 * address (the source itself excluded). This expansion is the connectivity matrix.
 */
public final class ProbeExpansion implements PolicyService.ProbeSource {
    private final ProbeStore store;

    public ProbeExpansion(ProbeStore store) {
        this.store = store;
    }

    @Override
    public PolicyService.ProbeSet probesFor(Connection c, Target target) throws SQLException {
        List<ProbeSpec> specs = new ArrayList<>();
        Set<UUID> followed = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (ProbeView p : store.applicable(c, target.groupId(), target.id())) {
            if (!seen.add(p.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (p.targetGroupId() == null) {
                specs.add(spec(p, null, p.target()));
                continue;
            }
            followed.add(p.targetGroupId());
            for (ProbeStore.Member m : store.members(c, p.targetGroupId())) {
                if (!m.id().equals(target.id())) {
                    specs.add(spec(p, m.id(), m.address()));
                }
            }
        }
        return new PolicyService.ProbeSet(List.copyOf(specs), Set.copyOf(followed));
    }

    /** Empty when a group-to-group probe applies: its expansion leaves out each source, so it differs per target. */
    @Override
    public java.util.Optional<PolicyService.ProbeSet> sharedProbes(Connection c, UUID groupId) throws SQLException {
        List<ProbeSpec> specs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ProbeView p : store.applicable(c, groupId, null)) {
            if (p.targetGroupId() != null) {
                return java.util.Optional.empty();
            }
            if (seen.add(p.name().toLowerCase(Locale.ROOT))) {
                specs.add(spec(p, null, p.target()));
            }
        }
        return java.util.Optional.of(new PolicyService.ProbeSet(List.copyOf(specs), Set.of()));
    }

    @Override
    public Set<UUID> withOwnProbes(Connection c, java.util.Collection<UUID> targetIds) throws SQLException {
        return store.withOwnProbes(c, targetIds);
    }

    private static ProbeSpec spec(ProbeView p, UUID destination, String address) {
        return new ProbeSpec(p.id(), destination, p.name(), p.sourceIp(), p.sourcePort(), address, p.targetPort(), p.protocol(),
                p.timeoutMs(), p.intervalSeconds(), p.payload(), p.expect(), p.udpNoReplyOk(), p.labels(), p.http(), p.icmp());
    }
}
