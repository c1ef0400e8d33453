package io.aami.agent.discoveryreport;

import io.aami.agent.discovery.SocketChild;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for {@link DiscoveryReportEndToEndTest}: {@code listen <address>} binds a TCP listener there, prints
 * {@code port <n>} and holds whatever connects; {@code connect <address> <port>} connects, prints {@code ready} and
 * holds the connection. Exits when its stdin closes.
 */
public final class PeerChild {
    private PeerChild() {
    }

    public static void main(String[] args) throws Exception {
        List<Object> held = new ArrayList<>();
        if (args[0].equals("listen")) {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(args[1]));
            held.add(server);
            SocketChild.acceptForever(server, held);
            System.out.println("port " + server.getLocalPort());
        } else {
            held.add(new Socket(InetAddress.getByName(args[1]), Integer.parseInt(args[2])));
            System.out.println("ready");
        }
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        System.exit(0);
    }
}
