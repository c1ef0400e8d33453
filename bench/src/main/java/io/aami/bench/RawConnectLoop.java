package io.aami.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The raw peer where no C compiler is: the same loop as {@code raw-connect.c} (same arguments, same stdin/stdout
 * handshake) with a non-blocking NIO connect, in a JVM of its own.
 */
public final class RawConnectLoop {
    private RawConnectLoop() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = Double.parseDouble(args[0]);
        int closed = Integer.parseInt(args[1]);
        int[] ports = new int[args.length - 2];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = Integer.parseInt(args[i + 2]);
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        System.out.println("ready");
        System.out.flush();
        if (stdin.readLine() == null) {
            System.exit(3);
        }
        long ok = 0;
        long refused = 0;
        long wrong = 0;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        long end = System.nanoTime() + (long) (seconds * 1e9);
        try (Selector selector = Selector.open()) {
            for (long i = 0; (i & 255) != 0 || System.nanoTime() < end; i++) {
                boolean open = ProbeTargets.open(i);
                int port = open ? ports[(int) (i % ports.length)] : closed;
                if (probe(selector, new InetSocketAddress(loopback, port)) == open) {
                    if (open) {
                        ok++;
                    } else {
                        refused++;
                    }
                } else {
                    wrong++;
                }
            }
        }
        System.out.println(ok + " " + refused + " " + wrong);
        System.out.flush();
        while (stdin.readLine() != null) {
            // wait for the parent to read this process's CPU time
        }
    }

    private static boolean probe(Selector selector, InetSocketAddress target) {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            if (ch.connect(target) || ch.finishConnect()) {
                return true;
            }
            SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT);
            selector.select(2_000);
            key.cancel();
            boolean done = ch.finishConnect();
            selector.selectNow(); // deregisters the key, so the close below really closes the socket
            return done;
        } catch (IOException e) {
            return false;
        }
    }
}
