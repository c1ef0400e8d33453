package io.aami.agent;

import io.aami.common.concurrent.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The training's side of {@link TrainingStandIn}: starts it with this JVM's own {@code java} and class path (and none of
 * the {@code *JAVA_OPTIONS} variables, which could make it record an archive too), reads its port and CA certificate,
 * then collects the kinds of request it has answered. Closing it closes the stand-in's standard input, which ends it;
 * one that does not end within 5 s is killed.
 */
final class StandInProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String caPem;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    private StandInProcess(Process process, int port, String caPem) {
        this.process = process;
        this.port = port;
        this.caPem = caPem;
    }

    static StandInProcess start(int probePort) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), TrainingStandIn.class.getName(), String.valueOf(probePort)))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().keySet().removeAll(Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        Process process = pb.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String first = lines.readLine();
            if (first == null || !first.matches("port [0-9]{1,5}")) {
                throw new IOException("the training's stand-in server did not start: " + first);
            }
            StringBuilder pem = new StringBuilder();
            for (String line = lines.readLine(); !"ready".equals(line); line = lines.readLine()) {
                if (line == null) {
                    throw new IOException("the training's stand-in server ended before it was ready");
                }
                pem.append(line).append('\n');
            }
            StandInProcess standIn = new StandInProcess(process, Integer.parseInt(first.substring(5)), pem.toString());
            DaemonThreads.thread("aami-training-stand-in", () -> standIn.collect(lines)).start();
            return standIn;
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    String caPem() {
        return caPem;
    }

    /** The kinds of request answered with success so far ({@link TrainingAnswers#REGISTER}, …). */
    Set<String> answered() {
        return Set.copyOf(answered);
    }

    private void collect(BufferedReader lines) {
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("answered ")) {
                    answered.add(line.substring("answered ".length()));
                }
            }
        } catch (IOException e) {
            // the stand-in ended; what it answered is what it answered
        }
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
