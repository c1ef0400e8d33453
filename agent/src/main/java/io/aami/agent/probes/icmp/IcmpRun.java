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
