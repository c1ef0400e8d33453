package io.aami.agent.probes.icmp;

import io.aami.common.concurrent.DaemonThreads;
import io.aami.contract.probes.ProbeReason;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ICMP and ICMPv6 echo for the probe engine, without spawning {@code ping}: the kernel's unprivileged ICMP sockets
 * ({@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}, allowed to the groups in {@code net.ipv4.ping_group_range}, which
 * also covers IPv6) or, failing those, raw sockets (CAP_NET_RAW), through JNA. At start-up it tries both per family
 * and logs what it will use; a family where neither is allowed ends its probes with {@code not_permitted}, and the
 * agent runs on. Every echo runs on one thread, {@code aami-icmp-loop} ({@link IcmpLoop}).
 */
public final class IcmpPinger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IcmpPinger.class);

    /** Which sockets to try: ping sockets then raw ({@code AUTO}), or only one kind (tests). */
    public enum Mode { AUTO, PING, RAW }

    /** What a family's probes use. */
    public enum Kind { PING, RAW, NONE }

    private final Kind v4;
    private final Kind v6;
    private final IcmpLoop loop;
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

    private IcmpPinger(Kind v4, Kind v6, IcmpLoop loop) {
        this.v4 = v4;
        this.v6 = v6;
        this.loop = loop;
        if (loop != null) {
            this.thread = DaemonThreads.thread("aami-icmp-loop", loop); // started by the first probe: most agents run none
        } else {
            this.thread = null;
        }
    }

    /** Finds out what this host allows, logs it once, and starts the loop when anything is. */
    public static IcmpPinger open(Mode mode) {
        try {
            String[] why = new String[2];
            Kind v4 = kind(false, mode, why, 0);
            Kind v6 = kind(true, mode, why, 1);
            log(v4, v6, why);
            if (v4 == Kind.NONE && v6 == Kind.NONE) {
                return new IcmpPinger(v4, v6, null);
            }
            int wakeFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
            if (wakeFd < 0) {
                LOG.warn("ICMP probes are off: eventfd failed (errno {}); they report not_permitted", LibC.errno());
                return new IcmpPinger(Kind.NONE, Kind.NONE, null);
            }
            return new IcmpPinger(v4, v6, new IcmpLoop(v4, v6, wakeFd, new SecureRandom()));
        } catch (LinkageError e) {
            LOG.warn("ICMP probes are off: the native library could not be loaded ({}); they report not_permitted", e.toString());
            return new IcmpPinger(Kind.NONE, Kind.NONE, null);
        }
    }

    private static Kind kind(boolean v6, Mode mode, String[] why, int at) {
        StringBuilder reasons = new StringBuilder();
        if (mode != Mode.RAW) {
            Object s = IcmpSocket.open(v6, false, null, 0);
            if (s instanceof IcmpSocket socket) {
                socket.close();
                return Kind.PING;
            }
            reasons.append("ping socket: errno ").append(-(Integer) s);
        }
        if (mode != Mode.PING) {
            Object s = IcmpSocket.open(v6, true, null, 0);
            if (s instanceof IcmpSocket socket) {
                socket.close();
                return Kind.RAW;
            }
            reasons.append(reasons.length() == 0 ? "" : ", ").append("raw socket: errno ").append(-(Integer) s);
        }
        why[at] = reasons.toString();
        return Kind.NONE;
    }

    private static void log(Kind v4, Kind v6, String[] why) {
        if (v4 != Kind.NONE && v6 != Kind.NONE) {
            LOG.info("ICMP probes: IPv4 through {} sockets, IPv6 through {} sockets", name(v4), name(v6));
            return;
        }
        String families = v4 == Kind.NONE && v6 == Kind.NONE ? "IPv4 and IPv6" : v4 == Kind.NONE ? "IPv4" : "IPv6";
        LOG.warn("ICMP probes are not permitted on this host for {} ({}): add the agent's group to the sysctl "
                + "net.ipv4.ping_group_range or give it CAP_NET_RAW; until then those ICMP probes report reason not_permitted",
                families, v4 == Kind.NONE ? why[0] : why[1]);
    }

    private static String name(Kind k) {
        return k == Kind.PING ? "ping" : "raw";
    }

    /** Tests: the identifier of the first raw socket opened. */
    int firstRawId() {
        return loop.idBase;
    }

    /** Tests: the loop's sockets open now (read while no probe runs). */
    int socketsOpen() {
        return loop.socketsOpen();
    }

    /** What IPv4 ({@code v6} false) or IPv6 probes use. */
    public Kind kind(boolean v6) {
        return v6 ? this.v6 : v4;
    }

    /** Starts {@code request}; its outcome goes to its callback, on the pinger's thread. */
    public void start(IcmpRequest request) {
        boolean six = request.target().getAddress().length == 16;
        if (loop == null || kind(six) == Kind.NONE) {
            request.done().accept(IcmpOutcome.failed(ProbeReason.NOT_PERMITTED, 0));
            return;
        }
        loop.submit(request);
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    @Override
    public void close() {
        if (loop == null) {
            return;
        }
        loop.close();
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start(); // so the loop closes its sockets and eventfd on its way out
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
