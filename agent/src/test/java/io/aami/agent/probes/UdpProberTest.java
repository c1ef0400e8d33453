package io.aami.agent.probes;

import static io.aami.agent.probes.ProbeFixtures.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UdpProberTest {
    @RegisterExtension
    final EngineUnderTest engine = new EngineUnderTest(64);

    @Test
    void echoedPayloadIsOk() throws Exception {
        try (UdpServer echo = UdpServer.echo()) {
            ProbeResult r = engine.run(udp("127.0.0.1", echo.port(), 2000, "cafe", null, null));

            assertThat(r.success()).isTrue();
            assertThat(r.reason()).isEqualTo("ok");
            assertThat(r.protocol()).isEqualTo("UDP");
            assertThat(r.sourceIp()).isEqualTo("127.0.0.1");
            assertThat(r.sourcePort()).isPositive();
            assertThat(r.connectMs()).as("the reply's round trip").isNotNull();
            assertThat(echo.lastLength()).isEqualTo(2);
        }
    }

    @Test
    void emptyPayloadSendsAnEmptyDatagram() throws Exception {
        try (UdpServer echo = UdpServer.echo()) {
            ProbeResult r = engine.run(udp("127.0.0.1", echo.port(), 2000, null, null, null));

            assertThat(r.reason()).isEqualTo("ok");
            assertThat(echo.received()).isEqualTo(1);
            assertThat(echo.lastLength()).isZero();
        }
    }

    @Test
    void replyContainingExpectIsOkAndOtherwiseInvalid() throws Exception {
        try (UdpServer echo = UdpServer.echo()) {
            ProbeResult match = engine.run(udp("127.0.0.1", echo.port(), 2000, "00c0ffee00", "C0FFEE", null));
            ProbeResult mismatch = engine.run(udp("127.0.0.1", echo.port(), 2000, "00c0ffee00", "beef", null));

            assertThat(match.success()).isTrue();
            assertThat(match.reason()).isEqualTo("ok");
            assertThat(mismatch.success()).isFalse();
            assertThat(mismatch.reason()).isEqualTo("invalid");
            assertThat(mismatch.connectMs()).isNotNull();
        }
    }

    @Test
    void closedPortIsRefusedByIcmpPortUnreachable() throws Exception {
        int closed = closedUdpPort();
        ProbeResult withPayload = engine.run(udp("127.0.0.1", closed, 2000, "01", null, null));
        ProbeResult empty = engine.run(udp("127.0.0.1", closed, 2000, null, null, null));

        assertThat(withPayload.reason()).isEqualTo("refused");
        assertThat(empty.reason()).as("the empty datagram's ICMP error reaches the probe socket").isEqualTo("refused");
        assertThat(empty.success()).isFalse();
    }

    @Test
    void silenceIsTimeoutUnlessNoReplyIsOk() throws Exception {
        try (UdpServer silent = UdpServer.silent()) {
            ProbeResult strict = engine.run(udp("127.0.0.1", silent.port(), 300, "01", null, null));
            ProbeResult lenient = engine.run(udp("127.0.0.1", silent.port(), 300, "01", null, true));

            assertThat(strict.success()).isFalse();
            assertThat(strict.reason()).isEqualTo("timeout");
            assertThat(strict.totalMs()).isGreaterThanOrEqualTo(290.0);
            assertThat(lenient.success()).isTrue();
            assertThat(lenient.reason()).isEqualTo("ok");
            assertThat(lenient.connectMs()).isNull();
        }
        assertThat(ProbeFixtures.counter(engine.registry, "aami_agent_probes", "UDP", "timeout")).isEqualTo(1);
    }

    @Test
    void pinnedSourcePortIsUsedAndBindErrorWhenBusy() throws Exception {
        try (UdpServer echo = UdpServer.echo(); DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int pinned = probe.getLocalPort();
            probe.close();
            ProbeTask task = new ProbeTask(null, "127.0.0.1", pinned, "127.0.0.1", echo.port(), "udp", 2000, null, null, null);

            ProbeResult free = engine.run(task);
            assertThat(free.reason()).isEqualTo("ok");
            assertThat(free.sourcePort()).isEqualTo(pinned);

            try (DatagramSocket busy = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), pinned))) {
                ProbeResult taken = engine.run(task);
                assertThat(taken.reason()).isEqualTo("bind_error");
                assertThat(taken.sourcePort()).isEqualTo(pinned);
            }
        }
    }

    private static int closedUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
