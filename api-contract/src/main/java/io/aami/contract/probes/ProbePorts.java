package io.aami.contract.probes;

/**
 * The port rules every probe follows, on the server (probe definitions) and on the agent (local API
 * and scheduled probes).
 */
public final class ProbePorts {
    /** {@code source_port} 0 (or absent) lets the kernel pick an ephemeral port. */
    public static final int EPHEMERAL = 0;
    public static final int MIN_TARGET_PORT = 1;
    public static final int MAX_PORT = 65_535;
    /**
     * Ports below this are privileged: only root may bind them, so services trust a peer sending from
     * one (rsh/rlogin, some NFS and firewall rules). The agent's local API refuses them as
     * {@code source_port} unless {@code api.allow_privileged_source_ports} is set: any local user can
     * call that API, and the agent runs as root.
     */
    public static final int FIRST_UNPRIVILEGED_PORT = 1024;

    private ProbePorts() {
    }

    /** Whether {@code sourcePort} needs root to bind (0, the ephemeral choice, does not). */
    public static boolean privilegedSource(int sourcePort) {
        return sourcePort > EPHEMERAL && sourcePort < FIRST_UNPRIVILEGED_PORT;
    }
}
