package io.aami.agent;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The training's stand-in config-server as a process of its own ({@code java -cp aami-agent.jar
 * io.aami.agent.TrainingStandIn PROBE_PORT}, started by {@link StandInProcess}), so that none of its classes (the
 * server side of TLS, certificate building, key stores, policy signing) land in the class archive the training JVM
 * records: the archive holds what the agent loads, nothing else. It prints {@code port N}, its CA certificate (PEM) and
 * {@code ready}, then {@code answered KIND} the first time it answers each kind of request, and serves until its
 * standard input ends (the training closed it, or died).
 */
public final class TrainingStandIn {
    private TrainingStandIn() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        TrainingPki pki = new TrainingPki();
        TrainingAnswers answers = new TrainingAnswers(pki, Integer.parseInt(args[0]), kind -> {
            synchronized (out) {
                out.println("answered " + kind);
            }
        });
        try (TrainingServer server = TrainingServer.start(pki.serverTls(), answers)) {
            synchronized (out) {
                out.println("port " + server.port());
                out.print(pki.caPem());
                out.println("ready");
            }
            while (System.in.read() >= 0) {
                // nothing is expected on standard input; its end is the signal to stop
            }
        }
    }
}
