package io.aami.contract.discovery;

import io.aami.contract.probes.ProbeRequest;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code GET /api/v1/dependencies/uncovered}: an observed upstream dependency of a target that no enabled probe
 * covers, with {@code probe}, a definition that {@code POST /api/v1/probes} takes as it is and that then covers it
 * (scoped to the source's group when it has one, to the target otherwise; destination the peer's group when the
 * peer is a target in a group, else its address).
 */
public record UncoveredDependency(UUID sourceTargetId, String sourceHostname, UUID sourceGroupId, String protocol,
                                  String process, int port, Peer peer, long connections, Instant firstSeen,
                                  Instant lastSeen, ProbeRequest probe) {
}
