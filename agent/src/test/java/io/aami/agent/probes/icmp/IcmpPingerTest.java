package io.aami.agent.probes.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.probes.ProbeReason;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw sockets as root against loopback: IPv4 (our checksum, the IP header stripped) and IPv6. */
class IcmpPingerTest {
    private static IcmpPinger pinger;

    @BeforeAll
    static void open() {
        pinger = IcmpPinger.open(IcmpPinger.Mode.RAW);
        assumeTrue(pinger.kind(false) == IcmpPinger.Kind.RAW || System.getenv("AAMI_REQUIRE_TOOLS") != null,
                "raw ICMP sockets need root (CAP_NET_RAW)");
    }

    @AfterAll
    static void close() {
        pinger.close();
    }

    static IcmpOutcome ping(IcmpPinger p, String target, int count, int intervalMs, int timeoutMs) throws Exception {
        CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
        p.start(new IcmpRequest(InetAddress.getByName(target), null, count, intervalMs, timeoutMs, f::complete));
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void loopbackV4AnswersEveryEcho() throws Exception {
        IcmpOutcome o = ping(pinger, "127.0.0.1", 5, 10, 1_000);
        assertThat(o.reason()).isEqualTo(ProbeReason.OK);
        assertThat(o.sent()).isEqualTo(5);
        assertThat(o.received()).isEqualTo(5);
        assertThat(o.lossPercent()).isZero();
        assertThat(o.rttMs()).isPositive().isLessThan(1_000.0);
    }

    @Test
    void loopbackV6AnswersEveryEcho() throws Exception {
        assumeTrue(pinger.kind(true) == IcmpPinger.Kind.RAW, "IPv6 raw sockets");
        IcmpOutcome o = ping(pinger, "::1", 3, 10, 1_000);
        assertThat(o.reason()).isEqualTo(ProbeReason.OK);
        assertThat(o.received()).isEqualTo(3);
        assertThat(o.lossPercent()).isZero();
    }

    @Test
    void thousandsInFlightOnOneThread() throws Exception {
        int n = 2_000;
        CompletableFuture<?>[] all = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
            pinger.start(new IcmpRequest(InetAddress.getByName("127.0.0." + (1 + i % 200)), null, 1, 10, 5_000, f::complete));
            all[i] = f;
        }
        CompletableFuture.allOf(all).get(30, TimeUnit.SECONDS);
        long ok = java.util.Arrays.stream(all).filter(f -> ((IcmpOutcome) f.join()).reason() == ProbeReason.OK).count();
        assertThat(ok).isEqualTo(n);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("aami-icmp")).count())
                .isEqualTo(1);
    }

    /**
     * The root agent is no broadcast ping amplifier: multicast, the limited broadcast and the unspecified address are
     * refused before any echo ({@code invalid}); a subnet's directed broadcast (127.255.255.255 on lo) is refused by the
     * kernel, no socket here setting SO_BROADCAST.
     */
    @Test
    void broadcastAndMulticastTargetsAreRefused() throws Exception {
        for (String target : new String[] {"255.255.255.255", "224.0.0.1", "239.1.2.3", "0.0.0.0", "ff02::1", "::"}) {
            IcmpOutcome o = ping(pinger, target, 3, 10, 500);
            assertThat(o.reason()).as(target).isEqualTo(ProbeReason.INVALID);
            assertThat(o.sent()).as(target).isZero();
        }
        IcmpOutcome directed = ping(pinger, "127.255.255.255", 2, 10, 500);
        assertThat(directed.received()).isZero();
        assertThat(directed.reason()).isNotEqualTo(ProbeReason.OK);
    }

    /**
     * A policy whose source addresses keep changing: past {@link IcmpLoop#MAX_SOCKETS} distinct sources the sockets of
     * sources no probe uses any more are closed, so new sources still work and the agent's descriptors stay bounded.
     */
    @Test
    void changingSourcesNeverExhaustTheSockets() throws Exception {
        try (IcmpPinger fresh = IcmpPinger.open(IcmpPinger.Mode.RAW)) {
            for (int i = 0; i < IcmpLoop.MAX_SOCKETS + 6; i++) {
                CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
                fresh.start(new IcmpRequest(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.1." + (1 + i)),
                        1, 10, 1_000, f::complete));
                assertThat(f.get(10, TimeUnit.SECONDS).reason()).as("source %d", i).isEqualTo(ProbeReason.OK);
            }
            assertThat(fresh.socketsOpen()).isLessThanOrEqualTo(IcmpLoop.MAX_SOCKETS);
        }
    }

    /**
     * Shutdown stops the loop cleanly: a probe in flight is answered (a timeout) rather than left waiting, the sockets
     * and eventfd are closed, and a probe started afterwards is answered at once instead of queued for ever.
     */
    @Test
    void shutdownAnswersProbesInFlightAndClosesEveryDescriptor() throws Exception {
        long before = openFds();
        IcmpPinger p = IcmpPinger.open(IcmpPinger.Mode.RAW);
        CompletableFuture<IcmpOutcome> running = new CompletableFuture<>();
        p.start(new IcmpRequest(InetAddress.getByName("127.0.0.1"), null, 100, 100, 1_000, running::complete));
        Thread.sleep(200);
        p.close();
        IcmpOutcome o = running.get(2, TimeUnit.SECONDS);
        assertThat(o.reason()).isEqualTo(ProbeReason.TIMEOUT);
        assertThat(o.sent()).isBetween(1, 99);
        CompletableFuture<IcmpOutcome> late = new CompletableFuture<>();
        p.start(new IcmpRequest(InetAddress.getByName("127.0.0.1"), null, 1, 10, 1_000, late::complete));
        assertThat(late.get(2, TimeUnit.SECONDS).reason()).isEqualTo(ProbeReason.TIMEOUT);
        assertThat(openFds()).isLessThanOrEqualTo(before);
    }

    private static long openFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
