package io.aami.agent.probes.icmp;

import static io.aami.agent.probes.icmp.IcmpPingerTest.ping;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.probes.ProbeReason;
import io.aami.server.testing.NetnsHost;
import io.aami.server.testing.NetnsLan;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ICMP probes against network-namespace test hosts: packet loss measured, a host gone, forged replies, and the pinger
 * in child processes inside a namespace, once where ICMP is not permitted and once with ping sockets allowed there.
 */
class IcmpNetnsTest {
    private static NetnsLan lan;
    private static NetnsHost host;
    private static IcmpPinger pinger;

    @BeforeAll
    static void setUp() {
        lan = NetnsLan.create();
        host = lan.addHost();
        pinger = IcmpPinger.open(IcmpPinger.Mode.RAW);
    }

    @AfterAll
    static void tearDown() {
        if (pinger != null) {
            pinger.close();
        }
        if (lan != null) {
            lan.close();
        }
    }

    @Test
    void lossIsMeasuredAndAHostGoneIsNotOk() throws Exception {
        assertThat(ping(pinger, host.addressV6(), 3, 10, 1_000).reason()).isEqualTo(ProbeReason.OK);
        host.loss(30); // both ways: about half the echoes or their replies are dropped
        try {
            IcmpOutcome lossy = ping(pinger, host.address(), 50, 10, 500);
            assertThat(lossy.sent()).isEqualTo(50);
            assertThat(lossy.lossPercent()).isBetween(15.0, 90.0);
            assertThat(lossy.reason()).isEqualTo(ProbeReason.OK);
            assertThat(lossy.received()).isEqualTo(50 - (int) Math.round(lossy.lossPercent() / 2));
        } finally {
            host.loss(0);
        }
        host.interfaceDown();
        try {
            IcmpOutcome gone = ping(pinger, host.address(), 2, 10, 500);
            assertThat(gone.reason()).isIn(ProbeReason.TIMEOUT, ProbeReason.HOST_UNREACHABLE);
            assertThat(gone.lossPercent()).isEqualTo(100.0);
            assertThat(gone.rttMs()).isNull();
        } finally {
            host.interfaceUp();
        }
    }

    /**
     * A target that does not answer, and forged echo replies for the echo in flight: from the target with the wrong
     * identifier, from the target with the right identifier and sequence but not the echo's nonce, and with the right
     * identifier and sequence from another address. None counts.
     */
    @Test
    void forgedRepliesAreIgnored() throws Exception {
        NetnsHost silent = lan.addHost();
        silent.run("sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1");
        try (IcmpPinger fresh = IcmpPinger.open(IcmpPinger.Mode.RAW)) {
            CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
            fresh.start(new IcmpRequest(InetAddress.getByName(silent.address()), null, 1, 10, 1_500, f::complete));
            int id = fresh.firstRawId();
            int seq = id * 7 & 0xffff; // a fresh socket's first sequence
            byte[] to = IcmpPackets.sockaddr(InetAddress.getByName(lan.rootAddress()));
            Thread.sleep(100);
            NetnsThread.run(silent.name(), () -> forge(to, List.of(new int[] {id ^ 0x5a5a, seq}, new int[] {id, seq})));
            forge(to, List.<int[]>of(new int[] {id, seq})); // from the root namespace: the wrong source
            IcmpOutcome o = f.get(10, TimeUnit.SECONDS);
            assertThat(o.received()).isZero();
            assertThat(o.reason()).isEqualTo(ProbeReason.TIMEOUT);
        }
    }

    /**
     * Forged "host unreachable" errors about the echo in flight to a silent host: one quoting the whole echo with a
     * wrong nonce is ignored; one quoting only the 8-byte header cannot be told from a router's and only names the
     * reason once the echo has timed out. Neither ends the echo early: a forger cannot fail a live host's echoes.
     */
    @Test
    void forgedErrorsDoNotEndAnEcho() throws Exception {
        NetnsHost silent = lan.addHost();
        silent.run("sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1");
        try (IcmpPinger fresh = IcmpPinger.open(IcmpPinger.Mode.RAW)) {
            CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
            long started = System.nanoTime();
            fresh.start(new IcmpRequest(InetAddress.getByName(silent.address()), null, 1, 10, 1_500, f::complete));
            int id = fresh.firstRawId();
            int seq = id * 7 & 0xffff;
            byte[] target = InetAddress.getByName(silent.address()).getAddress();
            byte[] to = IcmpPackets.sockaddr(InetAddress.getByName(lan.rootAddress()));
            Thread.sleep(100);
            NetnsThread.run(silent.name(), () -> {
                forgeError(to, target, id, seq, true);
                forgeError(to, target, id, seq, false);
            });
            IcmpOutcome o = f.get(10, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - started) / 1_000_000).as("ended by its timeout").isGreaterThanOrEqualTo(1_400);
            assertThat(o.received()).isZero();
            assertThat(o.reason()).isEqualTo(ProbeReason.HOST_UNREACHABLE);
        }
    }

    /**
     * Where {@code net.ipv4.ip_nonlocal_bind} is set the kernel would bind the agent's socket to another host's address:
     * echoes sent under it would have their replies sent to that host (a reflector). A source not of this host is a
     * bind_error, whatever the sysctl.
     */
    @Test
    void aSourceNotOfThisHostIsRefusedEvenWhereNonlocalBindIsAllowed() throws Exception {
        NetnsHost h = lan.addHost();
        h.run("sysctl", "-q", "-w", "net.ipv4.ip_nonlocal_bind=1");
        String other = h.address().substring(0, h.address().lastIndexOf('.')) + ".251";
        IcmpOutcome[] out = new IcmpOutcome[2];
        NetnsThread.run(h.name(), () -> {
            try (IcmpPinger inside = IcmpPinger.open(IcmpPinger.Mode.RAW)) {
                out[0] = once(inside, lan.rootAddress(), other);
                out[1] = once(inside, lan.rootAddress(), h.address());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(out[0].reason()).isEqualTo(ProbeReason.BIND_ERROR);
        assertThat(out[0].sent()).isZero();
        assertThat(out[1].reason()).as("its own address still works").isEqualTo(ProbeReason.OK);
    }

    private static IcmpOutcome once(IcmpPinger p, String target, String source) throws Exception {
        CompletableFuture<IcmpOutcome> f = new CompletableFuture<>();
        p.start(new IcmpRequest(InetAddress.getByName(target), InetAddress.getByName(source), 1, 10, 500, f::complete));
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Sends to {@code to} an ICMP host unreachable quoting an echo to {@code target}: whole (a wrong nonce) or 8 bytes. */
    private static void forgeError(byte[] to, byte[] target, int id, int seq, boolean whole) {
        byte[] echo = IcmpPackets.echo(false, true, id, seq, 0x5a5a5a5a5a5a5a5aL);
        byte[] p = new byte[8 + 20 + (whole ? echo.length : 8)];
        p[0] = 3;
        p[1] = 1;
        p[8] = 0x45;
        p[8 + 9] = (byte) LibC.IPPROTO_ICMP;
        System.arraycopy(target, 0, p, 8 + 16, 4);
        System.arraycopy(echo, 0, p, 28, p.length - 28);
        IcmpPackets.putShort(p, 2, IcmpPackets.checksum(p, 0, p.length));
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_RAW, LibC.IPPROTO_ICMP);
        assertThat(fd).isNotNegative();
        try {
            assertThat(LibC.sendto(fd, p, p.length, 0, to, to.length)).isEqualTo(p.length);
        } finally {
            LibC.close(fd);
        }
    }

    private static void forge(byte[] to, List<int[]> idSeqs) {
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_RAW, LibC.IPPROTO_ICMP);
        assertThat(fd).isNotNegative();
        try {
            for (int round = 0; round < 20; round++) {
                for (int[] idSeq : idSeqs) {
                    byte[] reply = IcmpPackets.echo(false, false, idSeq[0], idSeq[1], round);
                    reply[0] = IcmpPackets.ECHO_REPLY_V4;
                    IcmpPackets.putShort(reply, 2, IcmpPackets.checksum(reply, 0, reply.length));
                    assertThat(LibC.sendto(fd, reply, reply.length, 0, to, to.length)).isEqualTo(reply.length);
                }
            }
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void childWithoutRawSocketsOrPingGroupIsNotPermittedThenPingSocketsWork() throws Exception {
        List<String> denied = child(host, "127.0.0.1", "::1");
        assertThat(denied).contains("kinds NONE NONE", "127.0.0.1 not_permitted 0 0 100.0", "::1 not_permitted 0 0 100.0");
        assertThat(String.join("\n", denied)).contains("ICMP probes are not permitted on this host for IPv4 and IPv6");

        host.run("sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647");
        String nobody = nobody();
        List<String> allowed = child(host, "127.0.0.1", "::1", lan.rootAddress(), "192.0.2.1", nobody);
        assertThat(allowed).contains("kinds PING PING", "127.0.0.1 ok 3 3 0.0", "::1 ok 3 3 0.0",
                lan.rootAddress() + " ok 3 3 0.0", "192.0.2.1 no_route 3 0 100.0", nobody + " host_unreachable 3 0 100.0");
    }

    /**
     * An address on the LAN nobody holds: neighbour resolution fails and the kernel answers host unreachable, which a
     * ping socket reads from its error queue (above) and a raw socket as an ICMP message quoting our echo (here: the
     * pinger's thread started inside the host's namespace, so its sockets live there).
     */
    @Test
    void anAddressNobodyHoldsIsHostUnreachableOnRawSockets() throws Exception {
        String nobody = nobody();
        IcmpOutcome[] out = new IcmpOutcome[1];
        NetnsThread.run(host.name(), () -> {
            try (IcmpPinger inside = IcmpPinger.open(IcmpPinger.Mode.RAW)) {
                out[0] = ping(inside, nobody, 2, 10, 2_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(out[0].reason()).isEqualTo(ProbeReason.HOST_UNREACHABLE);
        assertThat(out[0].lossPercent()).isEqualTo(100.0);
    }

    /** An unused address on the LAN, with the host's neighbour resolution cut to one try of 100 ms so it fails fast. */
    private static String nobody() {
        host.run("sysctl", "-q", "-w", "net.ipv4.neigh.eth0.mcast_solicit=1", "net.ipv4.neigh.eth0.retrans_time_ms=100",
                "net.ipv4.neigh.eth0.app_solicit=0");
        return host.address().substring(0, host.address().lastIndexOf('.')) + ".250";
    }

    /** IcmpChild in {@code host}'s namespace without CAP_NET_RAW (dropped from the bounding set); its output lines. */
    private static List<String> child(NetnsHost in, String... targets) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--bounding-set", "-net_raw",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), IcmpChild.class.getName()));
        argv.addAll(List.of(targets));
        Process p = in.command(argv.toArray(String[]::new)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
