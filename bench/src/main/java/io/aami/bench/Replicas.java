package io.aami.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --replicas K}: the server under test as K config-server replicas sharing one PostgreSQL, as
 * the README's "Several replicas" describes. The first is the {@link EmbeddedTarget} in this JVM (it runs
 * the embedded PostgreSQL); the others are child JVMs running the real {@code ServerMain} from this
 * JVM's class path, each on its own loopback port and data directory, with a copy of the first's
 * {@code pki/} (the CA and policy signing key agents pin) and its settings (database, admin token,
 * TLS, lifted enrollment limits). One process holds only so many connections (its open-file limit;
 * each agent holds two), so a large fleet needs several. With K = 1 it is the embedded server alone.
 */
final class Replicas implements AutoCloseable {
    /** The replicas' heap, as the shipped launcher's default ({@code AAMI_SERVER_HEAP}) doubled for ~19,000 TLS connections. */
    static final String REPLICA_HEAP = "-Xmx2g";
    private static final String MAIN = "io.aami.server.ServerMain";
    private static final long START_SECONDS = 180;

    private final EmbeddedTarget first;
    private final int count;
    private final List<Integer> ports = new ArrayList<>();
    private final List<ChildProcess> running = new ArrayList<>();
    private boolean tls;

    private Replicas(EmbeddedTarget first, int count, boolean tls) {
        this.first = first;
        this.count = count;
        this.tls = tls;
    }

    /** Starts the {@code count - 1} replicas beside {@code first} (running, TLS as {@code tls}). */
    static Replicas start(EmbeddedTarget first, int count, boolean tls) throws IOException, InterruptedException {
        Replicas r = new Replicas(first, count, tls);
        for (int i = 1; i < count; i++) {
            r.ports.add(ChildProcess.freePort());
        }
        try {
            r.startChildren();
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.stopChildren();
            throw e;
        }
        return r;
    }

    EmbeddedTarget first() {
        return first;
    }

    int count() {
        return count;
    }

    /** Every replica's base URI, the first's first. */
    synchronized List<URI> bases() {
        List<URI> out = new ArrayList<>(List.of(first.base()));
        for (int port : ports) {
            out.add(URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + port));
        }
        return out;
    }

    /** The replica child processes' ids (all but the first, which is this JVM). */
    synchronized List<Long> childPids() {
        return running.stream().map(c -> c.process().pid()).toList();
    }

    /** Stops every replica (each gracefully, at once). */
    synchronized void stop() {
        running.forEach(c -> c.process().destroy());
        first.stop();
        stopChildren();
    }

    /** Starts every replica again, on the same ports and directories (the children's JVMs start while the first does). */
    synchronized void start() throws IOException, InterruptedException {
        launchChildren();
        first.start();
        awaitChildren();
    }

    /** Restarts every replica with TLS on or off (the storm's peer runs without). */
    synchronized void switchTls(boolean on) throws IOException, InterruptedException {
        stopChildren();
        tls = on;
        launchChildren();
        first.switchTls(on);
        awaitChildren();
    }

    private void startChildren() throws IOException, InterruptedException {
        launchChildren();
        awaitChildren();
    }

    private void launchChildren() throws IOException {
        for (int i = 0; i < ports.size(); i++) {
            running.add(launch(i + 1, ports.get(i)));
        }
    }

    private void awaitChildren() throws IOException, InterruptedException {
        for (int i = 0; i < ports.size(); i++) {
            awaitListening(running.get(i), ports.get(i));
        }
    }

    private ChildProcess launch(int n, int port) throws IOException {
        Path dir = first.dir().resolve("replica-" + n);
        Path pki = dir.resolve("data").resolve("pki");
        if (!Files.isDirectory(pki)) {
            copyPki(first.pkiDir(), pki);
        }
        Map<String, String> env = new HashMap<>(first.settings());
        env.put("AAMI_LISTEN", "127.0.0.1:" + port);
        env.put("AAMI_DATA_DIR", dir.resolve("data").toString());
        env.put("AAMI_TLS", tls ? "on" : "off");
        // --add-opens as the server jar's manifest has it: the session-ticket key kept, so tickets resume after a restart.
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), REPLICA_HEAP,
                "--add-opens", "java.base/sun.security.ssl=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), MAIN);
        return ChildProcess.start("config-server replica " + n, command, env, dir.resolve("replica.log"));
    }

    /** The first's keys, private as there (the directory 0700, each file its own mode). */
    private static void copyPki(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.createDirectory(to, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void awaitListening(ChildProcess c, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!c.process().isAlive()) {
                throw new IOException("a config-server replica exited with " + c.process().exitValue() + " while starting; " + c.tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("a config-server replica did not listen within " + START_SECONDS + " s; " + c.tail());
    }

    /** Also from an interrupted run's shutdown hook, while the main thread may be closing too: hence synchronized. */
    private synchronized void stopChildren() {
        List<ChildProcess> stopping = List.copyOf(running);
        running.clear();
        stopping.forEach(ChildProcess::close);
    }

    /** Stops the replicas; the first (and its PostgreSQL) is its owner's to close. */
    @Override
    public synchronized void close() {
        stopChildren();
    }
}
