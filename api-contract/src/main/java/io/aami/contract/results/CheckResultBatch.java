package io.aami.contract.results;

import java.util.List;

/**
 * {@code POST /api/v1/agents/{id}/check-results}: results in increasing {@code seq} order, numbered in
 * the stream epoch {@code streamEpoch} (null: {@link StreamEpochs#DEFAULT}, an agent from before epochs).
 */
public record CheckResultBatch(String streamEpoch, List<CheckResult> results) {
}
