package io.aami.agent.discovery;

import java.util.List;

/**
 * What one scan found, as the series {@code /metrics} shows (label values in each family's label order), and
 * how much of the host it saw. Immutable: the loop publishes one, scrapes read it.
 */
record DiscoveryView(List<Row> servers, List<Row> upstream, List<Row> downstream, List<Row> connections, Seen seen) {
    /** Label values (in the family's order) and the number of sockets behind them. */
    record Row(List<String> labels, long value) {
    }

    /**
     * {@code processesUnreadable}: processes whose descriptors could not be listed (their sockets are in the
     * families under an empty process name); {@code unowned}: sockets held by a process the scan did not find;
     * {@code namespaces}: network namespaces read (this process's included); {@code namespacesSkipped}: past the bound.
     */
    record Seen(int tcpSockets, int udpSockets, int processes, int processesUnreadable, int unowned, int tablesUnreadable,
                int linesSkipped, int namespaces, int namespacesSkipped) {
        boolean partial() {
            return processesUnreadable > 0 || tablesUnreadable > 0 || namespacesSkipped > 0;
        }
    }

    static final DiscoveryView EMPTY = new DiscoveryView(List.of(), List.of(), List.of(), List.of(),
            new Seen(0, 0, 0, 0, 0, 0, 0, 0, 0));
}
