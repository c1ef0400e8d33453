package io.aami.terraform.plugin;

import io.aami.terraform.resources.Catalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm JVM behind the launcher: Terraform starts the provider three times or more per command, and a
 * cold JVM costs about 0.65 s a start before its first call, then runs every call on cold code. One JVM per user
 * and provider build serves each start instead, as an instance of its own (own gRPC server, own automatic-mTLS
 * certificate, own settings and working directory from the request): the launcher Terraform starts is a shell
 * that hands its request over and relays the handshake line.
 *
 * <p>The rendezvous is a directory only the user can enter ({@code 0700}, owned by the user, not a link: checked
 * by the launcher and again here). Its {@code requests} pipe carries one line a start: the launcher's pid, which
 * names the two pipes it made beside it. {@code PID.in} carries the {@link InstanceRequest} (secrets travel
 * through pipes, never files); {@code PID.hs} carries back the handshake line (or {@code refused}: the launcher
 * then starts a JVM of its own), later {@code exit N} when the instance has ended. An instance ends on
 * Terraform's Shutdown, or when the launcher or Terraform is gone. When no instance has run for {@code idle}, the
 * JVM exits; a lock file keeps it to one JVM a directory.
 */
public final class InstanceServer {
    /** How long a JVM about to leave still takes requests, after it has removed its pid file. */
    private static final Duration GRACE = Duration.ofMillis(500);
    private final Path dir;
    private final Duration idle;
    private final Catalog catalog = new Catalog();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong idleSince = new AtomicLong(System.nanoTime());

    private final Runnable warmUp;
    private final AtomicBoolean warming = new AtomicBoolean();

    InstanceServer(Path dir, Duration idle, Runnable warmUp) {
        this.dir = dir;
        this.idle = idle;
        this.warmUp = warmUp;
    }

    /**
     * Serves {@code dir} until idle; returns when another JVM still serves it after 2 s (see awaitLock).
     * {@code warmUp} runs once, beside the first instance once its handshake is out (before it, it would delay that
     * handshake).
     */
    public static void run(Path dir, Duration idle, Runnable warmUp) throws IOException {
        new InstanceServer(dir, idle, warmUp).serve();
    }

    private void serve() throws IOException {
        // The directory and the one holding it, as the launcher checked them: nobody else can have put or moved anything.
        Rendezvous.requirePrivate(dir.getParent());
        Rendezvous.requirePrivate(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS); FileLock lock = awaitLock(lockFile)) {
            if (lock == null) {
                return;
            }
            // Read and write: the pipe then never reports end of file between launchers, and opening never waits.
            FileChannel requests = Rendezvous.openPipe(dir.resolve("requests"));
            Path pid = dir.resolve("pid");
            writePid(pid);
            PluginServer.daemon(() -> exitWhenIdle(pid), "idle-exit");
            BufferedReader lines = new BufferedReader(new InputStreamReader(Channels.newInputStream(requests), StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                String request = line;
                active.incrementAndGet();
                PluginServer.daemon(() -> serveOne(request), "instance");
            }
        }
    }

    /**
     * The directory's lock, or null when another JVM still holds it after 2 s: one leaving when idle removes its pid
     * file first, so a launcher may have started this JVM meanwhile, and waits for it. The one leaving then either
     * exits (this one takes over) or has been given a start and stays (its pid file is back; this one leaves).
     */
    private static FileLock awaitLock(FileChannel lockFile) throws IOException {
        long deadline = System.nanoTime() + GRACE.multipliedBy(4).toNanos();
        for (FileLock lock = lockFile.tryLock(); ; lock = lockFile.tryLock()) {
            if (lock != null || System.nanoTime() > deadline) {
                return lock;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /**
     * Exits after {@code idle} without an instance. The pid file goes first, then a grace: a launcher that read it
     * just before sends its request into the grace and is served (the JVM then stays), instead of waiting for an
     * answer from a JVM gone.
     */
    private void exitWhenIdle(Path pid) {
        try {
            while (true) {
                Thread.sleep(500);
                if (active.get() == 0 && System.nanoTime() - idleSince.get() > idle.toNanos()) {
                    Files.deleteIfExists(pid);
                    Thread.sleep(GRACE.toMillis());
                    if (active.get() == 0) {
                        log("idle for " + idle.toSeconds() + " s: exiting");
                        FastExit.halt(0);
                    }
                    writePid(pid);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log("cannot keep the pid file: " + e + "; exiting");
            FastExit.halt(1);
        }
    }

    private void writePid(Path pid) throws IOException {
        Path tmp = dir.resolve("pid.tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
        Files.move(tmp, pid, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void serveOne(String line) {
        Path hsPipe = null;
        Path inPipe = null;
        try {
            if (!line.matches("[1-9][0-9]{0,9}")) {
                throw new IOException("not a launcher's pid: " + line.substring(0, Math.min(line.length(), 40)));
            }
            hsPipe = dir.resolve(line + ".hs");
            inPipe = dir.resolve(line + ".in");
            try (FileChannel hs = Rendezvous.openPipe(hsPipe)) {
                PrintStream out = new PrintStream(Channels.newOutputStream(hs), true, StandardCharsets.UTF_8);
                boolean[] started = {false};
                try {
                    runInstance(Long.parseLong(line), inPipe, out, started);
                    out.print("exit 0\n");
                } catch (Exception e) {
                    // Logged first, so the log is whole once the launcher has its answer. Before the handshake the
                    // launcher falls back to a JVM of its own; after it, it ends with status 1.
                    log((started[0] ? "instance failed: " : "request refused: ") + e);
                    out.print(started[0] ? "exit 1\n" : "refused\n");
                }
            }
        } catch (Exception e) {
            log("request refused: " + e);
        } finally {
            Rendezvous.delete(hsPipe);
            Rendezvous.delete(inPipe);
            idleSince.set(System.nanoTime());
            active.decrementAndGet();
        }
    }

    private void runInstance(long pid, Path inPipe, PrintStream out, boolean[] started) throws Exception {
        InstanceRequest r;
        try (FileChannel in = Rendezvous.openPipe(inPipe)) {
            r = InstanceRequest.parse(Rendezvous.readRequest(in));
        }
        if (r.launcher().pid() != pid) {
            throw new IOException("the request of " + pid + " names launcher " + r.launcher().pid());
        }
        PluginServer server = PluginServer.start(new ProviderService(catalog, r.env()::get, r.workDir()),
                () -> r.clientCert() == null || r.clientCert().isBlank() ? null : AutoMtls.forClient(r.clientCert()), out);
        started[0] = true;
        log("serving " + r);
        if (warming.compareAndSet(false, true)) {
            PluginServer.daemon(warmUp, "warm-up");
        }
        server.stopWhenAnyGone(List.of(r.launcher(), r.terraform()));
        server.awaitStop();
    }

    private static void log(String message) {
        System.err.println(java.time.Instant.now() + " " + message);
    }
}
