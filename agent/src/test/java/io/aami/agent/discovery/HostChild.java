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
 * A child JVM playing a host's service (run inside a network-namespace test host): TCP listeners on {@code args[0]}
 * (IPv4) and {@code args[1]} (IPv6), UDP sockets bound on both, and a "closer" listener that closes every connection
 * it accepts. With {@code args[2..4]} (a peer address, its TCP port and its closer's port) it also connects to both and
 * keeps them: its end of the closed one is left in CLOSE_WAIT (the peer closed, this side never does); with
 * {@code args[5..6]} (the peer's IPv6 address and its TCP port there) it connects over IPv6 too. Prints
 * {@code ready <tcp4> <tcp6> <udp4> <udp6> <closer>}, keeps whatever connects, exits when its stdin closes.
 */
public final class HostChild {
    private HostChild() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress v4 = InetAddress.getByName(args[0]);
        InetAddress v6 = InetAddress.getByName(args[1]);
        ServerSocket tcp4 = new ServerSocket(0, 50, v4);
        ServerSocket tcp6 = new ServerSocket(0, 50, v6);
        ServerSocket closer = new ServerSocket(0, 50, v4);
        DatagramSocket udp4 = new DatagramSocket(new InetSocketAddress(v4, 0));
        DatagramSocket udp6 = new DatagramSocket(new InetSocketAddress(v6, 0));
        List<Object> held = new ArrayList<>(List.of(tcp4, tcp6, closer, udp4, udp6));
        for (ServerSocket server : List.of(tcp4, tcp6, closer)) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        if (server == closer) {
                            s.close();
                        } else {
                            synchronized (held) {
                                held.add(s);
                            }
                        }
                    }
                } catch (Exception e) {
                    // exiting
                }
            });
            t.setDaemon(true);
            t.start();
        }
        if (args.length > 2) {
            InetAddress peer = InetAddress.getByName(args[2]);
            synchronized (held) {
                held.add(new Socket(peer, Integer.parseInt(args[3])));
                held.add(new Socket(peer, Integer.parseInt(args[4])));
                if (args.length > 6) {
                    held.add(new Socket(InetAddress.getByName(args[5]), Integer.parseInt(args[6])));
                }
            }
        }
        System.out.println("ready " + tcp4.getLocalPort() + " " + tcp6.getLocalPort() + " " + udp4.getLocalPort() + " "
                + udp6.getLocalPort() + " " + closer.getLocalPort());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        System.exit(0);
    }
}
