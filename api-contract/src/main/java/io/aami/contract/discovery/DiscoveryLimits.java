package io.aami.contract.discovery;

import java.util.List;

/**
 * The bounds of one discovery report (agent → server), so a report fits one result batch whatever a host runs:
 * the agent keeps the largest rows within them (and says {@code truncated}), the server refuses more (400).
 * A full report at every bound is about 450 KB of JSON, inside the agent's 512 KiB batch and the server's
 * default 1 MiB body limit.
 */
public final class DiscoveryLimits {
    public static final int MAX_SERVICES = 512;
    public static final int MAX_EDGES = 2_048;
    public static final int MAX_STATES = 1_024;
    /** Reports in one batch: a report is large, the stream is slow (a change or a periodic full snapshot). */
    public static final int MAX_BATCH = 8;
    /** A process name, container id or pod UID. */
    public static final int MAX_NAME = 256;
    public static final String FULL = "full";
    public static final String DIFF = "diff";
    public static final String UPSTREAM = "upstream";
    public static final String DOWNSTREAM = "downstream";
    public static final List<String> PROTOCOLS = List.of("tcp", "udp");
    /** The TCP states a report may count ({@code /proc/net/tcp}'s, by name). */
    public static final List<String> STATES = List.of("ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "UNKNOWN");

    private DiscoveryLimits() {
    }
}
