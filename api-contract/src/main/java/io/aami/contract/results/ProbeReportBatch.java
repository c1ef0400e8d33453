package io.aami.contract.results;

import java.util.List;

/** {@code POST /api/v1/agents/{id}/probe-results}: reports in increasing {@code seq} order. */
public record ProbeReportBatch(List<ProbeReport> results) {
}
