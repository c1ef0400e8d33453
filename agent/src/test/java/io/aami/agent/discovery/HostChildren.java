package io.aami.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.NetnsHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link HostChild}ren inside network-namespace test hosts and reads their ready lines. */
public final class HostChildren {
    private HostChildren() {
    }

    /**
     * A {@link HostChild} inside {@code host} with {@code args}, under the process name {@code name} (a link to this
     * JVM's executable in {@code dir}, so the scan sees that name); the caller stops it.
     */
    public static Process start(NetnsHost host, Path dir, String name, String... args) throws IOException {
        Path link = dir.resolve(name);
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath());
        }
        List<String> cmd = new ArrayList<>(List.of(link.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp",
                System.getProperty("java.class.path"), HostChild.class.getName()));
        cmd.addAll(List.of(args));
        return host.command(cmd.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits for the child's ready line; its ports: TCP v4, TCP v6, UDP v4, UDP v6, the closing listener. */
    public static int[] ready(Process p) throws IOException {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("child ready line").startsWith("ready ");
        String[] f = line.split(" ");
        int[] out = new int[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            out[i - 1] = Integer.parseInt(f[i]);
        }
        return out;
    }
}
