package io.aami.server.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * One test host of a {@link NetnsLan}: a network namespace with {@code eth0} on the LAN. Run child
 * processes inside it with {@link #command}; degrade its link with {@link #netem} (both directions:
 * the host's {@code eth0} and its port on the bridge); cut it off with {@link #linkDown()}.
 */
public final class NetnsHost {
    private final NetnsLan lan;
    private final String name;
    private final String bridgePort;
    private final String address;
    private final String addressV6;

    NetnsHost(NetnsLan lan, String name, String bridgePort, String address, String addressV6) {
        this.lan = lan;
        this.name = name;
        this.bridgePort = bridgePort;
        this.address = address;
        this.addressV6 = addressV6;
    }

    /** The namespace's name (for {@code ip netns exec} and {@code /run/netns/<name>}). */
    public String name() {
        return name;
    }

    /** This host's IPv4 address on the LAN. */
    public String address() {
        return address;
    }

    /** This host's IPv6 address on the LAN. */
    public String addressV6() {
        return addressV6;
    }

    /** A process builder that runs {@code argv} inside this host ({@code ip netns exec}). */
    public ProcessBuilder command(String... argv) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name));
        command.addAll(List.of(argv));
        return new ProcessBuilder(command);
    }

    /** Runs {@code argv} inside this host to its end and returns its output; a non-zero exit throws. */
    public String run(String... argv) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name));
        command.addAll(List.of(argv));
        return NetnsLan.run(command, true);
    }

    /**
     * Applies {@code tc netem} (only where {@link NetnsLan#netemAvailable()}) with these arguments (e.g. {@code "loss", "20%"} or
     * {@code "delay", "500ms", "100ms", "reorder", "25%"}) to both directions of this host's link,
     * replacing what was there.
     */
    public void netem(String... args) {
        tc(name, "eth0", args);
        tc(lan.bridgeNamespace(), bridgePort, args);
    }

    /**
     * Drops this share of packets at random, in both directions of the host's {@code eth0} (its loopback is left
     * alone: local programs still reach the host's own services), with nftables inside the host
     * ({@code numgen random}); 0 removes the rule. Works where netem is missing (see {@link NetnsLan#netemAvailable()}).
     */
    public void loss(int percent) {
        NetnsLan.run(List.of("ip", "netns", "exec", name, "nft", "delete", "table", "inet", "aami_loss"), false);
        if (percent <= 0) {
            return;
        }
        nft("add", "table", "inet", "aami_loss");
        for (String[] hook : new String[][] {{"in", "input", "iifname"}, {"out", "output", "oifname"}}) {
            nft("add", "chain", "inet", "aami_loss", hook[0], "{ type filter hook " + hook[1] + " priority 0; }");
            if (percent >= 100) {
                nft("add", "rule", "inet", "aami_loss", hook[0], hook[2], "eth0", "drop");
            } else {
                nft("add", "rule", "inet", "aami_loss", hook[0], hook[2], "eth0", "numgen", "random", "mod", "100", "<",
                        String.valueOf(percent), "drop");
            }
        }
    }

    /**
     * Reorders packets for real where netem is missing: {@code tc htb} with a fast class and a slow one
     * ({@link #REORDER_SLOW_RATE}) on both directions of the link (the host's {@code eth0} and its port on the bridge),
     * and nftables putting this share of packets, at random, in the slow class ({@code meta priority set 1:20}, which
     * htb honours without any tc classifier: this kernel has neither {@code cls_fw}, {@code cls_u32} nor
     * {@code cls_basic}). The packets sent after a slow one overtake it (the LAN sends one TCP segment per packet:
     * {@link NetnsLan}), so the receiver gets them out of order
     * (its {@code TcpExtTCPOFOQueue} counts them). 0 removes it.
     */
    public void reorder(int percent) {
        NetnsLan.run(List.of("ip", "netns", "exec", name, "nft", "delete", "table", "inet", "aami_reorder"), false);
        NetnsLan.run(List.of("ip", "netns", "exec", lan.bridgeNamespace(), "nft", "delete", "table", "bridge",
                "aami_reorder_" + bridgePort), false);
        clearNetem();
        if (percent <= 0) {
            return;
        }
        String share = String.valueOf(Math.min(percent, 100));
        twoSpeeds(name, "eth0");
        twoSpeeds(lan.bridgeNamespace(), bridgePort);
        nft("add", "table", "inet", "aami_reorder");
        nft("add", "chain", "inet", "aami_reorder", "out", "{ type filter hook output priority 0; }");
        nft("add", "rule", "inet", "aami_reorder", "out", "oifname", "eth0", "numgen", "random", "mod", "100", "<", share,
                "meta", "priority", "set", "1:20");
        String table = "aami_reorder_" + bridgePort; // bridged frames towards the host: the bridge's forward hook
        List<String> nft = List.of("ip", "netns", "exec", lan.bridgeNamespace(), "nft");
        NetnsLan.run(concat(nft, "add", "table", "bridge", table), true);
        NetnsLan.run(concat(nft, "add", "chain", "bridge", table, "out", "{ type filter hook forward priority 0; }"), true);
        NetnsLan.run(concat(nft, "add", "rule", "bridge", table, "out", "oifname", bridgePort, "numgen", "random", "mod", "100",
                "<", share, "meta", "priority", "set", "1:20"), true);
    }

    /** The slow class of {@link #reorder}: a full-size packet waits about 12 ms in it, a small one well under. */
    public static final String REORDER_SLOW_RATE = "1mbit";

    private static void twoSpeeds(String namespace, String device) {
        List<String> tc = List.of("ip", "netns", "exec", namespace, "tc");
        NetnsLan.run(concat(tc, "qdisc", "replace", "dev", device, "root", "handle", "1:", "htb", "default", "10"), true);
        NetnsLan.run(concat(tc, "class", "add", "dev", device, "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit"), true);
        NetnsLan.run(concat(tc, "class", "add", "dev", device, "parent", "1:", "classid", "1:20", "htb", "rate", REORDER_SLOW_RATE,
                "ceil", REORDER_SLOW_RATE, "burst", "100b", "cburst", "100b"), true);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> out = new ArrayList<>(head);
        out.addAll(List.of(tail));
        return out;
    }

    private void nft(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name, "nft"));
        command.addAll(List.of(args));
        NetnsLan.run(command, true);
    }

    /** Removes any {@link #netem} (or the queues of {@link #reorder}) from this host's link. */
    public void clearNetem() {
        NetnsLan.run(List.of("ip", "netns", "exec", name, "tc", "qdisc", "del", "dev", "eth0", "root"), false);
        NetnsLan.run(List.of("ip", "netns", "exec", lan.bridgeNamespace(), "tc", "qdisc", "del", "dev", bridgePort, "root"), false);
    }

    /** Takes this host's port on the bridge down: a partition, both ways, with the host's own interface still up. */
    public void linkDown() {
        NetnsLan.ipIn(lan.bridgeNamespace(), "link", "set", bridgePort, "down");
    }

    /** Ends a {@link #linkDown()}. */
    public void linkUp() {
        NetnsLan.ipIn(lan.bridgeNamespace(), "link", "set", bridgePort, "up");
    }

    /** Takes the host's own {@code eth0} down: its routes go, so the LAN is unreachable from it and it from the LAN. */
    public void interfaceDown() {
        NetnsLan.ipIn(name, "link", "set", "eth0", "down");
    }

    /** Brings the host's own {@code eth0} back up. */
    public void interfaceUp() {
        NetnsLan.ipIn(name, "link", "set", "eth0", "up");
    }

    private static void tc(String namespace, String device, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "tc", "qdisc", "replace", "dev", device, "root", "netem"));
        command.addAll(List.of(args));
        NetnsLan.run(command, true);
    }
}
