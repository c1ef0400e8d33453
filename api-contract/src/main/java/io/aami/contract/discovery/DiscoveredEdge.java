package io.aami.contract.discovery;

/**
 * A dependency edge seen on one host: {@code upstream} (a local process connected out to {@code remoteAddress} at
 * the service {@code port} there; the local ephemeral port dropped) or {@code downstream} (peers at
 * {@code remoteAddress} connected to the local listening {@code port}; their ephemeral ports dropped), with the
 * number of connections (0 in a diff: gone).
 */
public record DiscoveredEdge(String direction, String protocol, String process, int port, String remoteAddress, long count) {
    public DiscoveredEdge key() {
        return new DiscoveredEdge(direction, protocol, process, port, remoteAddress, 0);
    }
}
