package io.aami.contract.discovery;

/**
 * TCP connections of one process (in one container; empty outside one) with one remote endpoint in one state, sent
 * when at least the agent's {@code discovery.report.state_min_count}: inbound ones by local port ({@code remotePort}
 * 0), outbound ones by remote port ({@code localPort} 0); {@code remoteAddress} {@code other} sums the endpoints past
 * the agent's bound. {@code count} 0 in a diff: gone.
 */
public record DiscoveredState(String state, String process, String container, int localPort, String remoteAddress,
                              int remotePort, long count) {
    public DiscoveredState key() {
        return new DiscoveredState(state, process, container, localPort, remoteAddress, remotePort, 0);
    }
}
