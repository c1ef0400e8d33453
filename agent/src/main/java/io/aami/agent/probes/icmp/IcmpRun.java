package io.aami.agent.probes.icmp;

import io.aami.contract.probes.ProbeReason;

/** One ICMP probe's state on the {@link IcmpLoop} thread, and its echoes in flight ({@link Pending}). */
final class IcmpRun {
    final IcmpRequest req;
    IcmpSocket socket;
    byte[] target;
    byte[] sockaddr;
    long nextSendAt;
    int sent;
    int received;
    int outstanding;
    long rttSumNanos;
    ProbeReason error;
    boolean done;

    IcmpRun(IcmpRequest req) {
        this.req = req;
    }

    /** The probe's result once every echo is sent and has had its reply, error or timeout: loss in %, RTT in ms. */
    IcmpOutcome outcome() {
        int count = req.count();
        double loss = Math.round((count - received) * 100_000.0 / count) / 1_000.0;
        if (received > 0) {
            double rtt = Math.round(rttSumNanos / 1_000.0 / received) / 1_000.0;
            return new IcmpOutcome(ProbeReason.OK, sent, received, rtt, loss);
        }
        return new IcmpOutcome(error == null ? ProbeReason.TIMEOUT : error, sent, 0, null, loss);
    }

    /** One echo in flight. */
    static final class Pending {
        final IcmpRun run;
        final long nonce;
        int seq;
        long sentNanos;
        boolean open = true;

        Pending(IcmpRun run, long nonce) {
            this.run = run;
            this.nonce = nonce;
        }
    }
}
