package io.aami.server.console;

import io.aami.contract.console.FleetSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the overview template shows: the frame and the fleet, as boxes of counts. Each box's {@code key} is where its
 * value sits in the summary's JSON ({@code stale.checks}), so the page's script refreshes it by that name; a box whose
 * count means trouble is marked when not zero; target counts link to the targets list filtered by their status (the
 * list has no filter for the other counts).
 */
public record OverviewPage(Page page, FleetSummary summary) {
    /** One count: its JSON key, what it counts, its value, whether it is trouble when not zero, the list it opens (or null). */
    public record Count(String key, String label, long value, boolean watch, String href) {
        /** Shown as trouble now. */
        public boolean alert() {
            return watch && value > 0;
        }
    }

    public List<Count> targets() {
        List<Count> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : summary.targets().entrySet()) {
            out.add(new Count("targets." + e.getKey(), e.getKey(), e.getValue(), "offline".equals(e.getKey()),
                    "/ui/targets?status=" + e.getKey()));
        }
        return out;
    }

    public List<Count> checks() {
        List<Count> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : summary.checks().entrySet()) {
            out.add(new Count("checks." + e.getKey(), e.getKey(), e.getValue(), false, null));
        }
        return out;
    }

    /** What needs a look: stale results, policy refusals, certificates, spool drops. */
    public List<Count> attention() {
        FleetSummary s = summary;
        return List.of(
                alert("stale.checks", "stale check results", s.stale().checks()),
                alert("stale.probes", "stale probe results", s.stale().probes()),
                alert("policy.refused", "targets refusing their policy", s.policy().refused()),
                alert("certificates.expired", "certificates expired", s.certificates().expired()),
                new Count("certificates.expiring", "certificates expiring within " + span(s.certificates().expiringWithinSeconds()),
                        s.certificates().expiring(), s.certificates().expiringIsTrouble(), null),
                alert("certificates.past_renewal", "certificates past renewal (under " + span(s.certificates().pastRenewalWithinSeconds())
                        + " left)", s.certificates().pastRenewal()),
                alert("spool.dropped", "results dropped by full spools", s.spool().dropped()),
                alert("spool.targets", "targets that dropped results", s.spool().targets()),
                new Count("spool.unknown", "targets not reporting drops (older agents)", s.spool().unknown(), false, null));
    }

    /**
     * "7 days", "16 hours", "30 minutes": a certificate window in the largest whole unit. Expiring within 7 days is
     * trouble only when certificates live longer (with 7-day ones it is every certificate); past renewal always is.
     */
    static String span(long seconds) {
        if (seconds >= 86_400 && seconds % 86_400 == 0) {
            return seconds / 86_400 + (seconds == 86_400 ? " day" : " days");
        }
        if (seconds >= 3600) {
            return seconds / 3600 + (seconds / 3600 == 1 ? " hour" : " hours");
        }
        return Math.max(1, seconds / 60) + " minutes";
    }

    private static Count alert(String key, String label, long value) {
        return new Count(key, label, value, true, null);
    }
}
