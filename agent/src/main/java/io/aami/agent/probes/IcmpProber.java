package io.aami.agent.probes;

import io.aami.agent.probes.icmp.IcmpPinger;
import io.aami.agent.probes.icmp.IcmpRequest;
import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.ProbeReason;
import java.nio.channels.Selector;

/**
 * ICMP probes on the engine: the echoes run on the {@link IcmpPinger}'s own thread (its sockets are not Java channels
 * the selector could watch), whose outcome comes back through the {@link Inbox} to finish the attempt on the loop like
 * any other. The loop's deadline for the attempt covers every echo and a grace; reaching it means the pinger never
 * answered, a timeout.
 */
final class IcmpProber implements Prober {
    /** Past the last echo's timeout, how long the loop waits for the pinger's answer. */
    static final long GRACE_MS = 1_000;

    private final IcmpPinger pinger;
    private final Inbox inbox;

    IcmpProber(IcmpPinger pinger, Inbox inbox) {
        this.pinger = pinger;
        this.inbox = inbox;
    }

    @Override
    public Outcome start(ProbeAttempt a, Selector selector) {
        IcmpProbeOptions o = a.probe.icmp();
        pinger.start(new IcmpRequest(a.target, a.probe.sourceIp(), o.count(), o.intervalMs(), a.probe.timeoutMs(),
                outcome -> inbox.icmpDone(a, outcome)));
        return null;
    }

    @Override
    public Outcome ready(ProbeAttempt a) {
        return null; // no channel: the pinger answers through the inbox
    }

    @Override
    public Outcome expired(ProbeAttempt a) {
        return Outcome.of(ProbeReason.TIMEOUT);
    }
}
