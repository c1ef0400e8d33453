package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parent's end of one simulator child ({@link SimChild}): starts it (this JVM's java and class
 * path, output to a log), sends it commands and matches its answers by id, so several can be
 * outstanding at once (a count while the child is still enrolling).
 */
final class SimChildLink implements AutoCloseable {
    private static final String SIM_CHILD = "io.aami.bench.SimChild";

    private final ChildProcess child;
    private final PrintStream to;
    private final Map<Long, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private SimChildLink(ChildProcess child) {
        this.child = child;
        this.to = new PrintStream(child.process().getOutputStream(), true, StandardCharsets.UTF_8);
        waiting.put(0L, ready);
        Thread reader = new Thread(this::read, "sim-child-link");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts child {@code name} with {@code spec}, connecting from {@code bind}; {@link #awaitReady} waits for its fleet. */
    static SimChildLink start(String name, Fleet.Spec spec, String bind, List<String> javaOptions, Path log) throws IOException {
        return start(name, SIM_CHILD, new ObjectMapper().writeValueAsString(SimChild.Wire.of(spec, bind)), javaOptions, log);
    }

    /**
     * Starts child {@code name} running {@code main} (a {@link ChildProtocol} child of this jar) and sends it {@code spec},
     * its first line; {@link #awaitReady} waits for its answer.
     */
    static SimChildLink start(String name, String main, String spec, List<String> javaOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // HotSpot prints its warnings on stdout, which is the answers' pipe here.
        command.add("-XX:+DisplayVMOutputToStderr");
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", classPath(), main));
        SimChildLink link = new SimChildLink(ChildProcess.startPiped(name, command, log));
        link.to.println(spec);
        return link;
    }

    void awaitReady() throws InterruptedException {
        await(ready, 120);
    }

    /** This JVM's class path, absolute (the child may resolve it elsewhere): {@code aami-bench.jar}, or the test class path. */
    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            parts.add(Path.of(p).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    /** Sends {@code verb arg} and waits up to {@code timeoutSeconds} for the answer's payload. */
    String call(String verb, String arg, long timeoutSeconds) throws InterruptedException {
        long id = ids.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        synchronized (to) {
            to.println(id + " " + verb + (arg.isEmpty() ? "" : " " + arg));
        }
        return await(answer, timeoutSeconds);
    }

    long pid() {
        return child.process().pid();
    }

    private String await(CompletableFuture<String> answer, long timeoutSeconds) throws InterruptedException {
        try {
            return answer.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("simulator child " + pid() + " did not answer within " + timeoutSeconds + " s; "
                    + child.tail());
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.process().getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] p = line.split(" ", 3);
                // Anything else on the pipe (a JVM warning) is not an answer.
                CompletableFuture<String> f = p.length < 2 || !p[0].chars().allMatch(Character::isDigit) || p[0].isEmpty()
                        || p[0].length() > 18 ? null : waiting.remove(Long.parseLong(p[0]));
                if (f == null) {
                    continue;
                }
                String body = p.length > 2 ? p[2] : "";
                if (p[1].equals("ok")) {
                    f.complete(body);
                } else {
                    f.completeExceptionally(new IllegalStateException("simulator child " + pid() + ": " + body));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the child is gone: answered below
        }
        IllegalStateException gone = new IllegalStateException("simulator child " + pid() + " exited; " + child.tail());
        waiting.values().forEach(f -> f.completeExceptionally(gone));
    }

    /** Ends the child: {@code close}, then its exit (SIGTERM and SIGKILL if it does not). */
    @Override
    public void close() {
        synchronized (to) {
            to.println("close");
        }
        try {
            if (!child.process().waitFor(10, TimeUnit.SECONDS)) {
                child.close();
            }
        } catch (InterruptedException e) {
            child.close();
            Thread.currentThread().interrupt();
        }
    }
}
