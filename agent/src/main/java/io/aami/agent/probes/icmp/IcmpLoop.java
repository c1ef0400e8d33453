package io.aami.agent.probes.icmp;

import io.aami.contract.probes.IcmpProbeRules;
import io.aami.contract.probes.ProbeReason;
import java.net.InetAddress;
import java.util.List;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pinger's one thread: every echo of every ICMP probe is sent, matched and timed out here, with poll(2) on a few
 * shared sockets (one per family and source address) and an eventfd that other threads wake it through. Thousands of
 * probes in flight cost a slot each in a socket's sequence table and a timer, never a thread.
 *
 * <p>A packet counts only if it matches an echo in flight on its socket: sequence, identifier (raw sockets), the
 * probed address as its source (or, for an ICMP error, as the quoted echo's destination), and for a reply the echo's
 * random nonce. Anything else (forged replies, other programs' pings) is dropped unseen by the probe. Nonces come
 * from a {@link SecureRandom}: every probed host sees the nonces of its own echoes, and from a predictable generator's
 * output (SplittableRandom's is invertible) it could forge the replies of the hosts probed after it. An ICMP error
 * must quote the echo's nonce to end it; one quoting only the 8-byte header (old routers, or a forger who does not
 * know the nonce) only names the reason the echo fails with if no reply comes in time.
 *
 * <p>Targets the agent would not send to: multicast, the limited broadcast {@code 255.255.255.255} and the unspecified
 * address end as {@code invalid} (the root agent is not a broadcast ping amplifier); a subnet's directed broadcast is
 * refused by the kernel (EACCES: no socket here sets SO_BROADCAST). Sockets of sources no probe uses any more are
 * closed when {@link #MAX_SOCKETS} are open, so a policy changing sources never exhausts them. A source must be an
 * address of this host ({@code bind_error} otherwise), whatever {@code ip_nonlocal_bind} allows.
 */
final class IcmpLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IcmpLoop.class);
    /** Sockets bound to distinct source addresses at once; a source is a local address, so this is generous. */
    static final int MAX_SOCKETS = IcmpSockets.MAX_SOCKETS;
    /** How long a send waits when its socket has {@link IcmpSocket#MAX_OUTSTANDING} echoes in flight. */
    private static final long RETRY_NANOS = 10_000_000L;
    private static final int ENOBUFS = 105;
    /** Timers run per iteration at most: between batches the loop reads replies, so a burst cannot overflow the socket. */
    private static final int TIMERS_PER_ITERATION = 256;

    private final IcmpPinger.Kind v4;
    private final IcmpPinger.Kind v6;
    private final IcmpWakeup wakeup;
    private final ConcurrentLinkedQueue<IcmpRequest> submitted = new ConcurrentLinkedQueue<>();
    private final IcmpTimers timers = new IcmpTimers();
    private final IcmpSockets sockets;
    private final SecureRandom random;
    /** Raw sockets' identifiers: this, then the next ones, in the order the sockets open (random per process). */
    final int idBase;
    private final IcmpPollSet pollSet = new IcmpPollSet();
    private volatile boolean closed;
    /** Set once the loop thread has left: its sockets are closed, later requests end at once. */
    private volatile boolean ended;

    IcmpLoop(IcmpPinger.Kind v4, IcmpPinger.Kind v6, int wakeFd, SecureRandom random) {
        this.v4 = v4;
        this.v6 = v6;
        this.wakeup = new IcmpWakeup(wakeFd);
        this.random = random;
        this.idBase = 1 + random.nextInt(65_535);
        this.sockets = new IcmpSockets(v4, v6, idBase);
    }

    /** An echo's nonce: unpredictable from any other (each probed host sees its own echoes' nonces). */
    long nextNonce() {
        return random.nextLong();
    }

    /** Whether the agent refuses to send echoes to {@code a}: one echo would reach many hosts, or none. */
    static boolean refusedTarget(InetAddress a) {
        return IcmpProbeRules.targetProblem(a) != null; // checked again here: a host name may resolve to one
    }

    void submit(IcmpRequest request) {
        submitted.offer(request);
        if (ended) {
            endSubmitted(); // the loop is gone (closed, or failed): answer now, and queue nothing for ever
        } else {
            wakeup.wake();
        }
    }

    /** Ends every request submitted but not started, as a timeout (the engine's own verdict on a silent pinger). */
    private void endSubmitted() {
        IcmpRequest r;
        while ((r = submitted.poll()) != null) {
            finish(new IcmpRun(r), IcmpOutcome.failed(ProbeReason.TIMEOUT, 0));
        }
    }

    void close() {
        closed = true;
        wakeup.wake();
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                iterate();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("ICMP probe loop failed; ICMP probes in flight end as timeouts: {}", e.toString(), e);
        } finally {
            ended = true;
            timers.drain(t -> {
                if (!t.run().done) {
                    finish(t.run(), IcmpOutcome.failed(ProbeReason.TIMEOUT, t.run().sent)); // in flight at shutdown
                }
            });
            endSubmitted();
            sockets.closeAll();
            wakeup.close();
        }
    }

    private void iterate() {
        wakeup.rearm();
        IcmpRequest r;
        while ((r = submitted.poll()) != null) {
            start(new IcmpRun(r));
        }
        timers.runDue(TIMERS_PER_ITERATION, this::fire);
        List<IcmpSocket> polled = sockets.polled;
        if (pollSet.poll(wakeup.fd(), polled, timers.waitMillis()) <= 0) {
            return; // timeout, or EINTR: timers run next iteration
        }
        if (pollSet.ready(0)) {
            wakeup.consume();
        }
        for (int i = 0; i < polled.size(); i++) {
            if (pollSet.ready(i + 1)) {
                IcmpSocket s = polled.get(i);
                s.drain(h -> heard(s, h));
            }
        }
    }

    private void start(IcmpRun run) {
        IcmpRequest req = run.req;
        boolean six = req.target().getAddress().length == 16;
        if (refusedTarget(req.target())) {
            finish(run, IcmpOutcome.failed(ProbeReason.INVALID, 0));
            return;
        }
        if ((six ? v6 : v4) == IcmpPinger.Kind.NONE) {
            finish(run, IcmpOutcome.failed(ProbeReason.NOT_PERMITTED, 0));
            return;
        }
        IcmpSocket socket = sockets.get(six, req.source());
        if (socket == null) {
            finish(run, IcmpOutcome.failed(ProbeReason.BIND_ERROR, 0));
            return;
        }
        run.socket = socket;
        socket.runs++;
        run.target = req.target().getAddress();
        run.sockaddr = IcmpPackets.sockaddr(req.target());
        run.nextSendAt = System.nanoTime();
        schedule(run.nextSendAt, run, null);
    }

    /** Tests: the sockets open now. */
    int socketsOpen() {
        return sockets.size();
    }

    private void fire(IcmpTimers.Timer t) {
        if (t.pending() == null) {
            send(t.run());
        } else if (t.pending().open) {
            close(t.pending()); // no reply in time: lost
        }
    }

    private void send(IcmpRun run) {
        if (run.done) {
            return;
        }
        IcmpSocket s = run.socket;
        IcmpRun.Pending p = new IcmpRun.Pending(run, nextNonce());
        int seq = s.claim(p);
        if (seq < 0) {
            schedule(System.nanoTime() + RETRY_NANOS, run, null); // bounded in flight: wait for a sequence to free up
            return;
        }
        p.seq = seq;
        byte[] packet = IcmpPackets.echo(s.v6, s.raw, s.id, seq, p.nonce);
        p.sentNanos = System.nanoTime();
        int errno = s.send(packet, run.sockaddr);
        run.sent++;
        if (errno == 0) {
            run.outstanding++;
            schedule(p.sentNanos + run.req.timeoutMs() * 1_000_000L, run, p);
        } else {
            s.release(seq);
            p.open = false;
            if (errno != LibC.EAGAIN && errno != ENOBUFS) {
                run.error = IcmpPackets.errno(errno); // the echo is lost; the next may still go
            }
        }
        if (run.sent < run.req.count()) {
            run.nextSendAt += run.req.intervalMs() * 1_000_000L;
            schedule(run.nextSendAt, run, null);
        }
        maybeFinish(run);
    }

    private void heard(IcmpSocket s, IcmpPackets.Heard h) {
        IcmpRun.Pending p = s.inFlight(h);
        if (p == null) {
            return;
        }
        if (h.reason() == null) {
            if (!h.nonced()) {
                return;
            }
            p.run.received++;
            p.run.rttSumNanos += System.nanoTime() - p.sentNanos;
        } else {
            p.run.error = h.reason();
            if (!h.nonced()) {
                return; // cannot tell a router's short quote from a forgery: the reason, should the echo time out
            }
        }
        close(p);
    }

    private void close(IcmpRun.Pending p) {
        p.open = false;
        p.run.socket.release(p.seq);
        p.run.outstanding--;
        maybeFinish(p.run);
    }

    private void maybeFinish(IcmpRun run) {
        if (run.done || run.sent < run.req.count() || run.outstanding > 0) {
            return;
        }
        finish(run, run.outcome());
    }

    private void finish(IcmpRun run, IcmpOutcome outcome) {
        run.done = true;
        if (run.socket != null) {
            run.socket.runs--;
        }
        try {
            run.req.done().accept(outcome);
        } catch (RuntimeException e) {
            LOG.warn("an ICMP probe's completion failed: {}", e.toString(), e);
        }
    }

    private void schedule(long at, IcmpRun run, IcmpRun.Pending pending) {
        timers.schedule(at, run, pending);
    }
}
