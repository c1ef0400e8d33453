package io.aami.agent.probes;

import io.aami.contract.probes.ProbeReason;

/**
 * How a prober ended an attempt. {@code connectNanos} is the time from connect (TCP) or send (UDP)
 * until the handshake or reply, or until the failure the network reported; -1 when no such event
 * happened (bind/DNS errors, timeouts, UDP silence).
 */
record Outcome(ProbeReason reason, long connectNanos) {
    static Outcome of(ProbeReason reason) {
        return new Outcome(reason, -1);
    }
}
