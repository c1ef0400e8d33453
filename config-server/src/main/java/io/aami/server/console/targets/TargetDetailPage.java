package io.aami.server.console.targets;

import io.aami.contract.discovery.Peer;
import io.aami.server.console.Page;
import java.util.Map;
import java.util.stream.Collectors;

/** What the target page template shows: the frame and the target's detail. */
public record TargetDetailPage(Page page, TargetDetail detail) {
    /** Labels as {@code key=value} lines, sorted; a dash for none. */
    public static String labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "—";
        }
        return labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** A peer that is no target: its {@code discovery.inventory} name, else its address. */
    public static String peerName(Peer peer) {
        return peer.name() != null && !peer.name().isEmpty() ? peer.name() : peer.address();
    }
}
