package io.aami.server.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test hosts on a private LAN made of network namespaces, for tests that need a second host, an
 * interface that goes down or a lossy link ({@code tc netem}) without touching the machine's own
 * network. A bridge lives in a namespace of its own; the test's (root) namespace joins it through one
 * veth leg with {@code 10.213.N.1/24} and {@code fdaa:213:N::1/64}, and every {@link NetnsHost} joins
 * it with {@code .k} / {@code ::k}. No forwarding is switched on anywhere and nothing is routed beyond
 * the LAN, so traffic stays inside namespaces the test made and the leg it owns. Both ends of every link send
 * one TCP segment per packet ({@code gso_max_segs 1}), as a NIC without offloads would: otherwise TCP hands a veth
 * whole writes of up to 64 KiB as one packet, which a fault can only drop or delay whole, never reorder inside. It
 * is set when a link is made, because a TCP connection keeps the value it found when it connected.
 *
 * <p>Needs root, {@code ip} and {@code tc} (iproute2) and, for {@link NetnsHost#loss}, {@code nft}
 * (nftables); {@link #assumeAvailable()} skips the test
 * otherwise, or fails it when {@code AAMI_REQUIRE_TOOLS} is set. Namespaces are named
 * {@code aamit-<pid>-<n>}; ones left behind by a dead test JVM are deleted by the next one.
 * Close the LAN to delete every namespace (and so every veth) it made.
 */
public final class NetnsLan implements AutoCloseable {
    private static final String PREFIX = "aamit-";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Path LOCK = Path.of("/run/aami-netns-tests.lock");

    private final int subnet;
    private final String bridgeNs;
    private final String rootLeg;
    private final List<NetnsHost> hosts = new ArrayList<>();

    private NetnsLan(int subnet, String bridgeNs, String rootLeg) {
        this.subnet = subnet;
        this.bridgeNs = bridgeNs;
        this.rootLeg = rootLeg;
    }

    /** Whether this process may make namespaces: root with iproute2 installed. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && onPath("ip") && onPath("tc") && onPath("nft");
    }

    private static boolean onPath(String tool) {
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** Skips the calling test when namespaces cannot be made, unless AAMI_REQUIRE_TOOLS is set (then it fails). */
    public static void assumeAvailable() {
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            if (!available()) {
                throw new AssertionError("network-namespace test hosts need root and iproute2 (AAMI_REQUIRE_TOOLS is set)");
            }
            return;
        }
        assumeTrue(available(), "network-namespace test hosts need root and iproute2 (ip, tc)");
    }

    /** A new LAN with only the test's own leg on it; add hosts with {@link #addHost()}. */
    public static NetnsLan create() {
        assumeAvailable();
        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            deleteLeftovers();
            int subnet = freeSubnet();
            long pid = ProcessHandle.current().pid();
            int n = SEQUENCE.incrementAndGet();
            String bridgeNs = PREFIX + pid + "-" + n + "-br";
            String rootLeg = "at" + Long.toString(pid, 36) + "r" + n;
            NetnsLan lan = new NetnsLan(subnet, bridgeNs, rootLeg);
            lan.build();
            return lan;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void build() {
        ip("netns", "add", bridgeNs);
        ipIn(bridgeNs, "link", "set", "lo", "up");
        ipIn(bridgeNs, "link", "add", "br0", "type", "bridge");
        ipIn(bridgeNs, "link", "set", "br0", "up");
        ip("link", "add", rootLeg, "type", "veth", "peer", "name", "leg0", "netns", bridgeNs);
        ipIn(bridgeNs, "link", "set", "leg0", "master", "br0", "up");
        ip("addr", "add", ipv4(1) + "/24", "dev", rootLeg);
        ip("addr", "add", ipv6(1) + "/64", "dev", rootLeg, "nodad");
        ip("link", "set", rootLeg, "gso_max_segs", "1");
        ip("link", "set", rootLeg, "up");
    }

    /** A new host on this LAN, with loopback up and its address {@code .k} (k = 2, 3, …). */
    public NetnsHost addHost() {
        int k = hosts.size() + 2;
        String name = bridgeNs.substring(0, bridgeNs.length() - "br".length()) + "h" + k;
        String port = "leg" + k;
        ip("netns", "add", name);
        ipIn(name, "link", "set", "lo", "up");
        ip("-n", bridgeNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", name);
        ipIn(bridgeNs, "link", "set", port, "master", "br0", "up");
        ipIn(name, "addr", "add", ipv4(k) + "/24", "dev", "eth0");
        ipIn(name, "addr", "add", ipv6(k) + "/64", "dev", "eth0", "nodad");
        ipIn(name, "link", "set", "eth0", "gso_max_segs", "1");
        ipIn(name, "link", "set", "eth0", "up");
        NetnsHost host = new NetnsHost(this, name, port, ipv4(k), ipv6(k));
        hosts.add(host);
        return host;
    }

    /** The test (root) namespace's IPv4 address on this LAN: hosts reach a server bound here. */
    public String rootAddress() {
        return ipv4(1);
    }

    /** The test (root) namespace's IPv6 address on this LAN. */
    public String rootAddressV6() {
        return ipv6(1);
    }

    /**
     * Whether the kernel has {@code sch_netem} (delay, jitter, reordering). The machines this project
     * is built on do not ({@code CONFIG_NET_SCH_NETEM} is off): there, use {@link NetnsHost#loss},
     * {@link NetnsHost#linkDown()} and a relay of the test's own for delay.
     */
    public boolean netemAvailable() {
        String out = run(List.of("ip", "netns", "exec", bridgeNs, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"), false);
        return !out.contains("unknown") && !out.contains("rror");
    }

    String bridgeNamespace() {
        return bridgeNs;
    }

    private String ipv4(int k) {
        return "10.213." + subnet + "." + k;
    }

    private String ipv6(int k) {
        return "fdaa:213:" + Integer.toHexString(subnet) + "::" + Integer.toHexString(k);
    }

    @Override
    public void close() {
        for (NetnsHost host : hosts) {
            run(List.of("ip", "netns", "del", host.name()), false);
        }
        run(List.of("ip", "netns", "del", bridgeNs), false);
        run(List.of("ip", "link", "del", rootLeg), false);
    }

    private static int freeSubnet() {
        String addresses = run(List.of("ip", "-o", "addr"), true);
        int start = (int) (ProcessHandle.current().pid() % 250);
        for (int i = 0; i < 250; i++) {
            int candidate = (start + i) % 250 + 1;
            if (!addresses.contains("10.213." + candidate + ".")) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free 10.213.N.0/24 for a test LAN");
    }

    private static void deleteLeftovers() {
        for (String line : run(List.of("ip", "netns", "list"), true).split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(PREFIX)) {
                String[] parts = name.substring(PREFIX.length()).split("-");
                long pid = Long.parseLong(parts[0]);
                if (ProcessHandle.of(pid).isEmpty()) {
                    run(List.of("ip", "netns", "del", name), false);
                }
            }
        }
    }

    static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command, true);
    }

    static void ipIn(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        run(command, true);
    }

    /** Runs a command to its end (20 s at most) and returns its output; a failure throws when {@code check}. */
    static String run(List<String> command, boolean check) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (check && process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (" + process.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
