package io.aami.agent.probes;

import io.aami.contract.probes.IcmpProbeRules;
import io.aami.contract.probes.ProbeReason;
import io.aami.contract.probes.ProbeResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.time.Instant;

/**
 * One probe in the engine. Apart from the final fields, the state belongs to the loop thread:
 * the DNS resolver reports back through a message, never by writing here.
 */
final class ProbeAttempt {
    final ValidatedProbe probe;
    final ResultSink sink;
    /** This probe's place in its sink (a {@link ProbeBatch}); 0 for a future. */
    final int index;

    /** Position in the {@link DeadlineQueue}, -1 when not queued. */
    int heapIndex = -1;
    long deadlineNanos;
    long startNanos;
    Instant executedAt;
    boolean finished;
    /** The address being probed: the literal, or the DNS answer; null while resolving. */
    InetAddress target;
    long dnsNanos = -1;
    SelectableChannel channel;
    /** The socket's local address as far as it is known (bound, then connected). */
    InetSocketAddress local;
    /** When the connect (TCP) or send (UDP) began. */
    long connectStartNanos;
    /** HTTP(S) only: the exchange's state, and the selector its hops register with. */
    HttpExchange http;
    java.nio.channels.Selector selector;
    /** ICMP only: the pinger's outcome (null until it answered). */
    io.aami.agent.probes.icmp.IcmpOutcome icmp;

    ProbeAttempt(ValidatedProbe probe, ResultSink sink, int index) {
        this.probe = probe;
        this.sink = sink;
        this.index = index;
    }

    /** The port being connected to: the probe's, or a followed redirect's. */
    int port() {
        return http != null ? http.port : probe.targetPort();
    }

    void fail(Throwable failure) {
        sink.fail(index, failure);
    }

    void begin(long nowNanos, Instant now) {
        startNanos = nowNanos;
        long spanMs = probe.icmp() == null ? probe.timeoutMs()
                : IcmpProbeRules.spanMs(probe.icmp(), probe.timeoutMs()) + IcmpProber.GRACE_MS;
        deadlineNanos = nowNanos + spanMs * 1_000_000L;
        executedAt = now;
        target = probe.targetAddress();
    }

    /**
     * The wire result. source_ip is the socket's actual local address; when the kernel never
     * picked one we can see (a failed connect from an unspecified source), it is the requested
     * source, possibly null. target_ip is the address probed, or the name as given if it never resolved.
     */
    ProbeResult result(Outcome outcome, long nowNanos) {
        boolean knownSource = local != null && !local.getAddress().isAnyLocalAddress();
        String sourceIp = knownSource ? local.getAddress().getHostAddress()
                : probe.sourceIp() == null ? null : probe.sourceIp().getHostAddress();
        int sourcePort = local != null && local.getPort() != 0 ? local.getPort() : probe.sourcePort();
        String targetIp = target != null ? target.getHostAddress() : probe.target();
        return new ProbeResult(probe.taskId(), sourceIp, sourcePort, targetIp, probe.targetPort(),
                probe.protocol().wire(), outcome.reason() == ProbeReason.OK, outcome.reason().wire(),
                dnsNanos < 0 ? null : millis(dnsNanos), outcome.connectNanos() < 0 ? null : millis(outcome.connectNanos()),
                millis(nowNanos - startNanos), executedAt, http == null ? null : http.status == 0 ? null : http.status,
                http == null || !http.handshook ? null : millis(http.tlsNanos),
                http == null || http.firstByteNanos < 0 ? null : millis(http.firstByteNanos), http == null ? null : http.certNotAfter,
                icmp == null ? null : icmp.rttMs(), icmp != null ? Double.valueOf(icmp.lossPercent())
                        : probe.icmp() == null ? null : Double.valueOf(100.0));
    }

    /** Milliseconds rounded to the microsecond: finer digits are noise. */
    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
