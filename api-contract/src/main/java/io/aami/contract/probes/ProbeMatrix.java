package io.aami.contract.probes;

import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/probes/matrix}: the latest connectivity between source targets and
 * destinations. A cell with {@code success} null has never reported.
 */
public record ProbeMatrix(List<Endpoint> sources, List<Endpoint> destinations, List<Cell> cells) {

    /** A host in the matrix; {@code targetId} is null for a destination outside the fleet. */
    public record Endpoint(UUID targetId, String hostname, String address) {
    }

    public record Cell(UUID sourceTargetId, UUID destinationTargetId, String destination, int port, String protocol,
                       UUID probeId, String probe, Boolean success, String reason, Double ageSeconds, boolean stale) {
    }
}
