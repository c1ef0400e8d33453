package io.aami.server.console.probes;

import io.aami.contract.groups.GroupView;
import io.aami.contract.probes.ProbeView;
import io.aami.server.console.Page;
import java.util.List;
import java.util.Map;

/** The models of the probe and matrix pages' templates (each a record whose first component is the frame). */
public final class ProbePages {
    private ProbePages() {
    }

    public record ListPage(Page page, List<ProbeRow> probes, boolean more) {
    }

    /** One probe, its failing pairs, and the edit form (null for a viewer). */
    public record ProbePage(Page page, ProbeView probe, ProbeRow row, List<FailingPair> failing, ProbeForm form) {
    }

    public record NewPage(Page page, ProbeForm form) {
    }

    /**
     * The matrix: source rows and destination columns (keys as {@link MatrixCell}'s, those with results only) with
     * their names, and the cells by {@code source + "/" + destination}.
     */
    public record MatrixPage(Page page, List<String> sources, List<String> destinations, Map<String, String> names,
                             Map<String, MatrixCell> cells) {
        public MatrixCell cell(String source, String destination) {
            return cells.get(source + "/" + destination);
        }

        public String name(String key) {
            return names.getOrDefault(key, key);
        }
    }

    /** A matrix cell's failing pairs. */
    public record PairsPage(Page page, String source, String destination, List<FailingPair> pairs, boolean more) {
    }

    static Map<String, String> names(List<GroupView> groups) {
        Map<String, String> names = new java.util.HashMap<>();
        groups.forEach(g -> names.put(g.id().toString(), g.name()));
        names.put(MatrixCell.NONE, "(no group)");
        names.put(MatrixCell.OUTSIDE, "(outside the fleet)");
        return names;
    }
}
