package io.aami.server.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

/**
 * This host's own IPv4 address on the interface of its default route: where a test sends from when the server must
 * see a peer other than loopback. Never a test LAN's leg ({@link NetnsLan}'s {@code 10.213.N.1} on a veth in this
 * namespace): tests running beside it make and remove those, and a removed one takes the connections from it with it
 * (a heartbeat once timed out so in CI).
 */
public final class SiteAddress {
    private SiteAddress() {
    }

    /** The address, or an AssertionError saying why a test needing one cannot run here. */
    public static String get() throws SocketException {
        String defaultRoute = defaultRouteInterface();
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream().filter(SiteAddress::upAndNotLoopback)
                .filter(n -> defaultRoute == null || n.getName().equals(defaultRoute))
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .map(InetAddress::getHostAddress).filter(a -> !a.startsWith("10.213.")).findFirst()
                .orElseThrow(() -> new AssertionError("no non-loopback IPv4 address on this host to send from"));
    }

    /** The interface of the IPv4 default route ({@code /proc/net/route}), or null when there is none to read. */
    private static String defaultRouteInterface() {
        try {
            return Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 2 && f[1].equals("00000000")).map(f -> f[0]).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean upAndNotLoopback(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
