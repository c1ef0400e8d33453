package io.aami.contract.results;

import java.util.List;

/** {@code POST /api/v1/agents/{id}/check-results}: results in increasing {@code seq} order. */
public record CheckResultBatch(List<CheckResult> results) {
}
