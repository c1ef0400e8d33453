package io.aami.agent.discovery;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM holding the sockets {@link DiscoveryScanTest} looks for: TCP listeners on 127.0.0.1 and ::1, UDP
 * sockets bound on both, a TCP client to {@code args[0]} (kept open), a TCP client to {@code args[1]} (a server that
 * closes at once: this side is left in CLOSE_WAIT, as it never closes) and a UDP socket connected to
 * {@code args[2]}. Prints {@code ready <tcp4> <tcp6> <udp4> <udp6>}, accepts whatever connects, and exits when its
 * stdin closes.
 */
public final class SocketChild {
    private SocketChild() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        ServerSocket tcp4 = new ServerSocket(0, 50, v4);
        ServerSocket tcp6 = new ServerSocket(0, 50, v6);
        DatagramSocket udp4 = new DatagramSocket(new InetSocketAddress(v4, 0));
        DatagramSocket udp6 = new DatagramSocket(new InetSocketAddress(v6, 0));
        List<Object> held = new ArrayList<>(List.of(tcp4, tcp6, udp4, udp6));
        held.add(new Socket(v4, Integer.parseInt(args[0])));
        held.add(new Socket(v4, Integer.parseInt(args[1])));
        DatagramSocket client = new DatagramSocket();
        client.connect(new InetSocketAddress(v4, Integer.parseInt(args[2])));
        held.add(client);
        for (ServerSocket server : List.of(tcp4, tcp6)) {
            acceptForever(server, held);
        }
        System.out.println("ready " + tcp4.getLocalPort() + " " + tcp6.getLocalPort() + " " + udp4.getLocalPort() + " "
                + udp6.getLocalPort());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        System.exit(0);
    }

    /** Accepts on a daemon thread whatever connects, keeping each socket open in {@code held}, until the JVM exits. */
    public static void acceptForever(ServerSocket server, List<Object> held) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                }
            } catch (Exception e) {
                // exiting
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
