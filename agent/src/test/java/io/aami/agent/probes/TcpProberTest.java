package io.aami.agent.probes;

import static io.aami.agent.probes.ProbeFixtures.CLOCK;
import static io.aami.agent.probes.ProbeFixtures.validated;
import static io.aami.agent.probes.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TcpProberTest {
    @RegisterExtension
    final EngineUnderTest engine = new EngineUnderTest(4096);

    @Test
    void openPortIsOkWithTheActualSourceAndTimes() throws Exception {
        try (TcpListener listener = new TcpListener()) {
            ProbeResult r = engine.run(new ProbeTask("t1", "127.0.0.1", null, "127.0.0.1", listener.port(), null, 2000,
                    null, null, null));

            assertThat(r.success()).isTrue();
            assertThat(r.reason()).isEqualTo("ok");
            assertThat(r.taskId()).isEqualTo("t1");
            assertThat(r.protocol()).isEqualTo("TCP");
            assertThat(r.sourceIp()).isEqualTo("127.0.0.1");
            assertThat(r.sourcePort()).isBetween(1, 65_535);
            assertThat(r.targetIp()).isEqualTo("127.0.0.1");
            assertThat(r.targetPort()).isEqualTo(listener.port());
            assertThat(r.dnsMs()).isNull();
            assertThat(r.connectMs()).isNotNull().isPositive();
            assertThat(r.totalMs()).isGreaterThanOrEqualTo(r.connectMs());
            assertThat(r.executedAt()).isEqualTo(CLOCK.instant());
        }
        assertThat(ProbeFixtures.counter(engine.registry, "aami_agent_probes", "TCP", "ok")).isEqualTo(1);
    }

    @Test
    void closedPortIsRefused() throws Exception {
        ProbeResult r = engine.run(tcp("127.0.0.1", ProbeFixtures.closedTcpPort(), 2000));

        assertThat(r.success()).isFalse();
        assertThat(r.reason()).isEqualTo("refused");
        assertThat(r.sourcePort()).as("the bound local port is reported even on failure").isPositive();
        assertThat(r.connectMs()).isNotNull();
        assertThat(ProbeFixtures.counter(engine.registry, "aami_agent_probes", "TCP", "refused")).isEqualTo(1);
    }

    /**
     * A connect from 127.0.0.1:P to 127.0.0.1:P with nothing listening on P completes: it is a TCP
     * simultaneous open of the socket with itself, not a listener, so it must be refused, as
     * blackbox_exporter would report it (without the check it was "ok").
     */
    @Test
    void selfConnectToAClosedPortIsRefusedNotOk() throws Exception {
        int port = ProbeFixtures.closedTcpPort();
        ProbeResult r = engine.run(new ProbeTask("self", "127.0.0.1", port, "127.0.0.1", port, "tcp", 2000,
                null, null, null));

        assertThat(r.success()).as("a socket connected to itself is not a listener").isFalse();
        assertThat(r.reason()).isEqualTo("refused");
        assertThat(r.sourcePort()).isEqualTo(port);
        assertThat(ProbeFixtures.counter(engine.registry, "aami_agent_probes", "TCP", "refused")).isEqualTo(1);
        assertThat(ProbeFixtures.counter(engine.registry, "aami_agent_probes", "TCP", "ok")).isZero();
        try (ServerSocket again = new ServerSocket()) {
            // The self-connected socket was closed: the port is free for a listener at once.
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    @Test
    void pinnedSourcePortIsUsedAndReusableAndBindErrorWhenBusy() throws Exception {
        int pinned = ProbeFixtures.freeTcpPort();
        try (TcpListener listener = new TcpListener()) {
            ProbeTask task = new ProbeTask(null, "127.0.0.1", pinned, "127.0.0.1", listener.port(), "tcp", 2000,
                    null, null, null);
            ProbeResult first = engine.run(task);
            ProbeResult second = engine.run(task);

            assertThat(first.reason()).isEqualTo("ok");
            assertThat(first.sourcePort()).isEqualTo(pinned);
            assertThat(second.reason()).as("RST close leaves no TIME_WAIT holding the pinned port").isEqualTo("ok");
            assertThat(second.sourcePort()).isEqualTo(pinned);

            try (ServerSocket busy = new ServerSocket()) {
                busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), pinned));
                ProbeResult third = engine.run(task);
                assertThat(third.success()).isFalse();
                assertThat(third.reason()).isEqualTo("bind_error");
                assertThat(third.sourcePort()).isEqualTo(pinned);
                assertThat(third.connectMs()).isNull();
            }
        }
    }

    @Test
    void nonLocalSourceIpIsBindError() throws Exception {
        InetAddress testNet = InetAddress.getByName("192.0.2.1");
        assumeTrue(NetworkInterface.getByInetAddress(testNet) == null, "192.0.2.1 must not be local here");
        try (TcpListener listener = new TcpListener()) {
            ProbeResult r = engine.run(new ProbeTask(null, "192.0.2.1", null, "127.0.0.1", listener.port(), "TCP", 2000,
                    null, null, null));

            assertThat(r.success()).isFalse();
            assertThat(r.reason()).isEqualTo("bind_error");
            assertThat(r.sourceIp()).isEqualTo("192.0.2.1");
        }
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        assumeTrue(NetworkInterface.getByInetAddress(v6) != null, "no IPv6 loopback here");
        try (ServerSocket server = new ServerSocket(0, 50, v6)) {
            ProbeResult open = engine.run(new ProbeTask(null, "::1", null, "[::1]", server.getLocalPort(), "TCP", 2000,
                    null, null, null));
            server.close();
            ProbeResult closed = engine.run(tcp("::1", server.getLocalPort(), 2000));

            assertThat(open.reason()).isEqualTo("ok");
            assertThat(open.sourceIp()).isEqualTo("0:0:0:0:0:0:0:1");
            assertThat(open.targetIp()).isEqualTo("0:0:0:0:0:0:0:1");
            assertThat(closed.reason()).isEqualTo("refused");
        }
    }

    @Test
    void unansweredSynIsTimeoutAfterAboutTimeoutMs() throws Exception {
        try (BlackholeListener blackhole = new BlackholeListener()) {
            ProbeResult r = engine.run(tcp("127.0.0.1", blackhole.port(), 400));

            assertThat(r.success()).isFalse();
            assertThat(r.reason()).isEqualTo("timeout");
            assertThat(r.connectMs()).isNull();
            assertThat(r.totalMs()).isBetween(390.0, 3_000.0);
        }
    }

    @Test
    void hostNameIsResolvedAndTimed() throws Exception {
        try (TcpListener listener = new TcpListener()) {
            ProbeResult r = engine.run(new ProbeTask(null, "127.0.0.1", null, "localhost", listener.port(), "TCP", 5000,
                    null, null, null));

            assertThat(r.reason()).isEqualTo("ok");
            assertThat(r.dnsMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
            assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void unknownHostIsDnsError() throws Exception {
        ProbeResult r = engine.run(tcp("no-such-host.invalid", 80, 5000));

        assertThat(r.success()).isFalse();
        assertThat(r.reason()).isEqualTo("dns_error");
        assertThat(r.targetIp()).as("the name as given when it never resolved").isEqualTo("no-such-host.invalid");
        assertThat(r.dnsMs()).isNotNull();
        assertThat(r.connectMs()).isNull();
    }

    @Test
    void thousandsOfProbesLeaveNoTimeWaitPile() throws Exception {
        try (TcpListener listener = new TcpListener()) {
            List<CompletableFuture<ProbeResult>> futures = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                futures.add(engine.submit(validated(tcp("127.0.0.1", listener.port(), 5000))));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(futures).allSatisfy(f -> assertThat(f.join().reason()).isEqualTo("ok"));
            assertThat(ProbeFixtures.timeWaitCount(listener.port())).isLessThan(50);
        }
    }
}
