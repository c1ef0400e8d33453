package io.aami.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs the test mounts (root only) to give the agent a disk that fills up or is read-only. Skips the test
 * where mounting is not permitted (not root, no CAP_SYS_ADMIN in a container), unless AAMI_REQUIRE_TOOLS is set.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code kib} KiB, mode 0700, on {@code dir} (created if needed). */
    public static Tmpfs mount(Path dir, int kib) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String why = run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0700", "tmpfs", dir.toString());
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(why).as("mounting a tmpfs (AAMI_REQUIRE_TOOLS is set)").isNull();
        }
        assumeTrue(why == null, "cannot mount a tmpfs here: " + why);
        return new Tmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Makes the mount read-only (or writable again). */
    public void readOnly(boolean ro) throws IOException, InterruptedException {
        String why = run("mount", "-o", "remount," + (ro ? "ro" : "rw"), dir.toString());
        assertThat(why).as("remount " + dir).isNull();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String why = run("umount", "-l", dir.toString());
        assertThat(why).as("umount " + dir).isNull();
    }

    /** Null when the command succeeded, else what it said. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + " did not finish";
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
