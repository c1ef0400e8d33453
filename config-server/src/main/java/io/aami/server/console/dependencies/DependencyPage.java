package io.aami.server.console.dependencies;

import io.aami.contract.discovery.DependencyGraph;
import io.aami.contract.discovery.UncoveredDependency;
import io.aami.server.console.Page;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the dependency page shows: the frame, the group it is narrowed to (null: the fleet), the group graph and the
 * uncovered dependencies, each with its probe as JSON.
 */
public record DependencyPage(Page page, UUID groupId, DependencyGraph graph, List<Uncovered> uncovered,
                             Map<String, DependencyGraph.Node> nodes) {
    public record Uncovered(UncoveredDependency dependency, String probeJson) {
    }

    DependencyPage(Page page, UUID groupId, DependencyGraph graph, List<Uncovered> uncovered) {
        this(page, groupId, graph, uncovered, byId(graph));
    }

    /** The API URL the graph script fetches: the same graph as the table. */
    public String graphUrl() {
        return "/api/v1/dependencies" + (groupId == null ? "" : "?group_id=" + groupId);
    }

    /** A node's name by its id (the id itself for one the graph does not list). */
    public String name(String nodeId) {
        DependencyGraph.Node n = nodes.get(nodeId);
        return n == null ? nodeId : n.name();
    }

    /** Where a node leads: a group's targets; nothing (null) for names outside the fleet. */
    public String link(String nodeId) {
        DependencyGraph.Node n = nodes.get(nodeId);
        if (n == null || !"group".equals(n.kind())) {
            return null;
        }
        return nodeId.length() == 36 ? "/ui/targets?group_id=" + nodeId : "/ui/targets";
    }

    /**
     * The groups the fleet graph shows (those with an observed dependency), by name: the page's picker, which narrows
     * it to one. Offered on the fleet's page only; a narrowed page links back to it.
     */
    public List<DependencyGraph.Node> groups() {
        return graph.nodes().stream().filter(n -> "group".equals(n.kind()) && n.id().length() == 36)
                .sorted(java.util.Comparator.comparing(DependencyGraph.Node::name, String.CASE_INSENSITIVE_ORDER)).toList();
    }

    /** The name of the group the page is narrowed to. */
    public String groupName() {
        return groupId == null ? null : name(groupId.toString());
    }

    private static Map<String, DependencyGraph.Node> byId(DependencyGraph graph) {
        Map<String, DependencyGraph.Node> out = new HashMap<>();
        graph.nodes().forEach(n -> out.put(n.id(), n));
        return Map.copyOf(out);
    }
}
