package io.aami.bench;

import io.aami.common.logging.LogSetup;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The child's end of the pipe {@link SimChildLink} speaks, shared by the simulator children ({@link SimChild},
 * {@link PolicyChild}): after the first line (the child's spec, read by its own main), each line is
 * {@code ID VERB [JSON]}, answered (in any order, each on its own thread, so a long call does not hold up a
 * count) by {@code ID ok [JSON]} or {@code ID error MESSAGE}. The child ends at {@code close} or when its stdin
 * closes (the parent died); a SIGINT or SIGTERM stops its agents but keeps it answering for
 * {@link SimChild#GRACE_SECONDS} s, so an interrupted parent can still collect its figures.
 */
final class ChildProtocol {
    /** What a child does with one verb; its answer's payload. */
    interface Handler {
        String handle(String verb, String arg) throws Exception;
    }

    private final PrintStream protocol;
    private final BufferedReader in;

    private ChildProtocol(PrintStream protocol, BufferedReader in) {
        this.protocol = protocol;
        this.in = in;
    }

    /** Takes stdout for the answers alone (logs and HotSpot's output go to stderr) and stdin for the commands. */
    static ChildProtocol claim() {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        // Nothing but answers may reach the parent's pipe.
        System.setOut(System.err);
        LogSetup.configure(System.getenv().getOrDefault("AAMI_BENCH_LOG_LEVEL", "warn"), "text");
        return new ChildProtocol(protocol, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    /** The first line (the spec), or null when the parent closed the pipe at once. */
    String firstLine() throws java.io.IOException {
        return in.readLine();
    }

    /** The child could not start: says why on answer 0 (the parent's ready) and ends. */
    void failStart(Exception e) {
        protocol.println("0 error " + oneLine(e));
        Runtime.getRuntime().halt(3);
    }

    /** Answers ready, then every command until {@code close} or the end of stdin; {@code stop} stops the agents. */
    void serve(Handler handler, Runnable stop) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                closed.await(SimChild.GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sim-child-grace"));
        ExecutorService pool = Executors.newCachedThreadPool(io.aami.common.concurrent.DaemonThreads.factory("sim-child"));
        protocol.println("0 ok ready");
        String line;
        while ((line = in.readLine()) != null && !line.equals("close")) {
            String[] p = line.split(" ", 3);
            pool.submit(() -> answer(handler, p[0], p[1], p.length > 2 ? p[2] : ""));
        }
        stop.run();
        closed.countDown();
        Runtime.getRuntime().halt(0);
    }

    private void answer(Handler handler, String id, String verb, String arg) {
        String reply;
        try {
            reply = "ok " + handler.handle(verb, arg);
        } catch (Exception | Error e) {
            reply = "error " + oneLine(e);
        }
        synchronized (protocol) {
            protocol.println(id + " " + reply);
        }
    }

    static String oneLine(Throwable e) {
        return String.valueOf(e.getMessage() == null ? e : e.getMessage()).replace('\n', ' ');
    }
}
