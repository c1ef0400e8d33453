package io.aami.contract.discovery;

import java.util.List;

/**
 * {@code POST /api/v1/agents/{id}/discovery}: reports in increasing {@code seq} order, numbered in the stream
 * epoch {@code streamEpoch} (as the other result streams).
 */
public record DiscoveryReportBatch(String streamEpoch, List<DiscoveryReport> results) {
}
