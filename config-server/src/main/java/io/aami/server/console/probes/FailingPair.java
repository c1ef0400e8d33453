package io.aami.server.console.probes;

import java.util.UUID;

/**
 * A failing latest probe result: the source target, the destination (a target of the fleet when
 * {@code destinationTargetId} is set), port, protocol, the agent's reason, its age and whether it is stale.
 */
public record FailingPair(UUID sourceId, String source, UUID destinationTargetId, String destination, int port, String protocol,
                          UUID probeId, String probe, String reason, long ageSeconds, boolean stale) {
}
