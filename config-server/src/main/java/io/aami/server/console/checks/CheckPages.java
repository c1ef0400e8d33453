package io.aami.server.console.checks;

import io.aami.contract.checks.CheckView;
import io.aami.contract.policy.ProcessMatch;
import io.aami.server.console.Page;
import java.util.List;
import java.util.Map;

/** The models of the check pages' templates (each a record whose first component is the frame). */
public final class CheckPages {
    private CheckPages() {
    }

    /** {@code /ui/checks}: the checks with their counts; {@code more} when the list was cut at its maximum. */
    public record ListPage(Page page, List<CheckRow> checks, boolean more) {
    }

    /**
     * {@code /ui/checks/{id}}: the check as the viewer may see it ({@code env} values hidden below operator), its counts
     * ({@code row} null if it was past the list's maximum), its live targets' latest statuses, the failing targets, and
     * the edit form (null for a viewer).
     */
    public record CheckPage(Page page, CheckView check, CheckRow row, Map<String, Long> statuses, List<FailingTarget> failing,
                            CheckForm form) {
        /** A process check's count bounds in words. */
        public String countBounds() {
            ProcessMatch p = check.process();
            return (p.minCount() == null ? "" : "at least " + p.minCount())
                    + (p.minCount() != null && p.maxCount() != null ? ", " : "")
                    + (p.maxCount() == null ? "" : "at most " + p.maxCount());
        }

        /** A process check's per-process bounds, or "no bounds". */
        public String processBounds() {
            ProcessMatch p = check.process();
            List<String> out = new java.util.ArrayList<>();
            if (p.maxCpuPercent() != null) {
                out.add(p.maxCpuPercent() + " % CPU");
            }
            if (p.maxRssBytes() != null) {
                out.add(p.maxRssBytes() + " bytes resident");
            }
            if (p.maxOpenFiles() != null) {
                out.add(p.maxOpenFiles() + " open files");
            }
            if (p.maxThreads() != null) {
                out.add(p.maxThreads() + " threads");
            }
            return out.isEmpty() ? "no bounds" : String.join(", ", out);
        }

        public String envNames() {
            return check.env() == null || check.env().isEmpty() ? "none" : String.join(", ", check.env().keySet());
        }

        public String labels() {
            return check.labels() == null || check.labels().isEmpty() ? "none" : CheckForm.lines(check.labels()).replace('\n', ' ');
        }
    }

    /** {@code /ui/checks/new}: the empty form. */
    public record NewPage(Page page, CheckForm form) {
    }
}
