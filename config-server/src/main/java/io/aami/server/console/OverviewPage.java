package io.aami.server.console;

import io.aami.contract.console.FleetSummary;

/** What the overview template shows: the frame and the fleet. */
public record OverviewPage(Page page, FleetSummary summary) {
}
