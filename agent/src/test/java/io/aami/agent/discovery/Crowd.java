package io.aami.agent.discovery;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM holding many sockets: a listener on 127.0.0.1 and {@code args[0]} connections to it (both ends here).
 * With {@code args[1]} = {@code churn} it also keeps changing: a thread opens and closes connections (descriptors that
 * come and go between a scan's listing and its {@code readlink}) and one starts processes that exit at once (pids that
 * die mid-scan). Further arguments are ignored (a long command line). Prints {@code ready <port>}; then on stdin
 * {@code swap} replaces one connection by another and {@code reuse <port>} closes a file and connects to {@code port},
 * each answered {@code done}; exits when stdin closes.
 */
public final class Crowd {
    private Crowd() {
    }

    public static void main(String[] args) throws Exception {
        ServerSocket listener = new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1"));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[0]); i++) {
            held.add(new Socket(listener.getInetAddress(), listener.getLocalPort()));
            held.add(listener.accept());
        }
        if (args.length > 1 && args[1].equals("churn")) {
            daemon(() -> {
                while (true) {
                    try (Socket s = new Socket(listener.getInetAddress(), listener.getLocalPort()); Socket in = listener.accept()) {
                        s.getOutputStream().write(1);
                    }
                    Thread.sleep(1); // hundreds a second, without taking a core from the build
                }
            });
            daemon(() -> {
                while (true) {
                    new ProcessBuilder("true").start().waitFor();
                    Thread.sleep(20);
                }
            });
        }
        java.io.FileInputStream file = new java.io.FileInputStream("/dev/null");
        System.out.println("ready " + listener.getLocalPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("swap")) {
                // Both ends of one connection closed, a new one opened: the same count, numbers reused by new sockets.
                held.remove(0).close();
                held.remove(0).close();
                held.add(new Socket(listener.getInetAddress(), listener.getLocalPort()));
                held.add(listener.accept());
            } else if (line.startsWith("reuse ")) {
                // A file closed and a socket opened in its place: the same count, a number that was no socket now is one.
                file.close();
                held.add(new Socket(listener.getInetAddress(), Integer.parseInt(line.substring(6))));
            }
            System.out.println("done");
            System.out.flush();
        }
        System.exit(0);
    }

    interface Body {
        void run() throws Exception;
    }

    private static void daemon(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                // exiting
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
