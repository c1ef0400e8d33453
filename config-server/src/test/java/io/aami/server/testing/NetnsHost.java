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
     * Drops this share of packets at random, in both directions, with nftables inside the host
     * ({@code numgen random}); 0 removes the rule. Works where netem is missing (see {@link NetnsLan#netemAvailable()}).
     */
    public void loss(int percent) {
        NetnsLan.run(List.of("ip", "netns", "exec", name, "nft", "delete", "table", "inet", "aami_loss"), false);
        if (percent <= 0) {
            return;
        }
        nft("add", "table", "inet", "aami_loss");
        for (String[] hook : new String[][] {{"in", "input"}, {"out", "output"}}) {
            nft("add", "chain", "inet", "aami_loss", hook[0], "{ type filter hook " + hook[1] + " priority 0; }");
            if (percent >= 100) {
                nft("add", "rule", "inet", "aami_loss", hook[0], "drop");
            } else {
                nft("add", "rule", "inet", "aami_loss", hook[0], "numgen", "random", "mod", "100", "<", String.valueOf(percent), "drop");
            }
        }
    }

    private void nft(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name, "nft"));
        command.addAll(List.of(args));
        NetnsLan.run(command, true);
    }

    /** Removes any {@link #netem} from this host's link. */
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
