package io.aami.agent.probes;

/**
 * {@link ProbeEngine#runAll} refused a call whose probes would take the engine's queue of probes waiting for a
 * slot past its bound; none of them was queued. The local API answers it as 429.
 */
public final class ProbeQueueFullException extends RuntimeException {
    public ProbeQueueFullException(String message) {
        super(message, null, false, false);
    }
}
