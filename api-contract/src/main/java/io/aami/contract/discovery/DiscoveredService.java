package io.aami.contract.discovery;

/**
 * A listening service: {@code protocol} tcp or udp, the bound address ({@code 0.0.0.0} / {@code ::} for all) and port,
 * the process name (empty when the agent could not see it) and the number of sockets behind it (0 in a diff: gone).
 */
public record DiscoveredService(String protocol, String bind, int port, String process, long count) {
    /** The identity of the row, without its count. */
    public DiscoveredService key() {
        return new DiscoveredService(protocol, bind, port, process, 0);
    }
}
