package io.aami.agent.identity;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the agent tells the server about its host when the configuration leaves it empty. */
public final class HostFacts {
    private HostFacts() {
    }

    /** The kernel's host name, without a DNS round trip when possible. */
    public static String hostname() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * The local address this host uses to reach the server: a connected UDP socket picks the route
     * without sending anything. Falls back to the first non-loopback IPv4 address.
     */
    public static String primaryAddress(String serverHost, int serverPort) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(serverHost, serverPort));
            InetAddress local = probe.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) {
                return local.getHostAddress();
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through to interface enumeration
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no usable interface
        }
        return "127.0.0.1";
    }

    /** Facts worth keeping on the target: OS, kernel, architecture, runtime. */
    public static Map<String, String> metadata(String agentVersion) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("os", System.getProperty("os.name", "unknown"));
        m.put("kernel", System.getProperty("os.version", "unknown"));
        m.put("arch", System.getProperty("os.arch", "unknown"));
        m.put("java", System.getProperty("java.version", "unknown"));
        m.put("agent_version", agentVersion);
        return m;
    }
}
