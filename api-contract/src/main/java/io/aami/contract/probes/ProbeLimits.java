package io.aami.contract.probes;

/**
 * The limits every probe obeys, checked by the server's probe API, the agent's local API and the
 * agent's scheduler alike. Port rules are in {@link ProbePorts}.
 */
public final class ProbeLimits {
    public static final int MIN_TIMEOUT_MS = 1;
    /** A probe is one handshake or one datagram exchange: a minute is far past any real network's answer. */
    public static final int MAX_TIMEOUT_MS = 60_000;
    public static final int DEFAULT_TIMEOUT_MS = 1_000;
    public static final int MIN_INTERVAL_SECONDS = 1;
    public static final int MAX_INTERVAL_SECONDS = 7 * 24 * 3600;
    /** UDP {@code payload} / {@code expect} bytes of a probe the server defines (it is copied to every agent's policy). */
    public static final int MAX_POLICY_PAYLOAD_BYTES = 1_024;
    /** UDP {@code payload} / {@code expect} bytes of a probe asked of the agent's local API: the largest IPv4 UDP datagram. */
    public static final int MAX_UDP_PAYLOAD_BYTES = 65_507;
    /** The length of a local API probe's {@code task_id}. */
    public static final int MAX_TASK_ID_LENGTH = 256;

    private ProbeLimits() {
    }
}
