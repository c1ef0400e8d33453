package io.aami.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The real agent as a child JVM on this test's class path (so kill -9 is a real one), its output appended to a log. */
final class AgentChild {
    private AgentChild() {
    }

    static Process start(Map<String, String> env, Path log) throws IOException {
        return start(env, log, List.of());
    }

    /**
     * As {@link #start(Map, Path)}, the command after {@code prefix} (e.g. {@code ip netns exec <name>}, which execs it:
     * the process is the agent's JVM itself).
     */
    static Process start(Map<String, String> env, Path log, List<String> prefix) throws IOException {
        // C1 only and a small heap: the child starts again and again in the kill loop, and never runs long.
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        pb.environment().putAll(env);
        return pb.start();
    }
}
