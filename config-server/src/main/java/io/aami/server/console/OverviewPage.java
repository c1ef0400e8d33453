package io.aami.server.console;

import io.aami.contract.console.FleetSummary;

/** What the overview template shows: who is looking, the session's CSRF token (empty without a session), the fleet. */
public record OverviewPage(String user, String role, String csrfToken, FleetSummary summary) {
}
