package io.aami.server.console.probes;

/**
 * One source group × destination group of the probe matrix: how many latest results there are ok, failing and stale
 * (stale ones are counted in ok or failing too, by their last known outcome). Keys are a group's id, {@code none}
 * (targets in no group) or, for destinations, {@code outside} (not a target of the fleet).
 */
public record MatrixCell(String source, String destination, long ok, long failing, long stale) {
    public static final String NONE = "none";
    public static final String OUTSIDE = "outside";

    public boolean hasFailures() {
        return failing > 0;
    }

    /** The drill-down page of this cell's failing pairs. */
    public String href() {
        return "/ui/matrix/pairs?source_group=" + source + "&destination_group=" + destination;
    }
}
