package io.aami.agent.probes.icmp;

import io.aami.contract.probes.ProbeReason;

/**
 * How an ICMP probe ended: ok when at least one echo was answered; otherwise the last error an echo met (an ICMP
 * unreachable, a refused send), or timeout. {@code rttMs} is the mean round trip of the replies (null without any);
 * {@code lossPercent} counts the echoes of the probe's count that were not answered, sent or not.
 */
public record IcmpOutcome(ProbeReason reason, int sent, int received, Double rttMs, double lossPercent) {
    static IcmpOutcome failed(ProbeReason reason, int sent) {
        return new IcmpOutcome(reason, sent, 0, null, 100.0);
    }
}
