package io.aami.agent.discovery;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs for the discovery tests, each started through a link to this JVM's java named as the process should be. */
final class SocketChildren {
    private SocketChildren() {
    }

    static Process start(Path dir, String name, Class<?> main, List<String> args) throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path link = dir.resolve(name);
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, java.toRealPath());
        }
        List<String> cmd = new ArrayList<>(List.of(link.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static String classPath() {
        return System.getProperty("java.class.path").replace(File.pathSeparatorChar, ':');
    }
}
