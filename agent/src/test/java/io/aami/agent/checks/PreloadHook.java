package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A real LD_PRELOAD object for the attack tests, built with the host's C compiler. */
public final class PreloadHook {
    private PreloadHook() {
    }

    /** Whether this host can build it; when it cannot, tests skip unless AAMI_REQUIRE_TOOLS is set (then they fail). */
    public static boolean buildable() {
        return Fixtures.onPath("cc");
    }

    /**
     * Builds {@code <dir>/hook.so}, whose constructor appends "uid=… euid=… comm=…" to {@code <markerPrefix>.<uid>} in
     * every process that loads it. No #include and no start files, so a bare compiler without libc headers builds it;
     * libc resolves when it loads.
     */
    public static Path build(Path dir, Path markerPrefix) throws Exception {
        String source = """
                extern unsigned int getuid(void);
                extern unsigned int geteuid(void);
                extern int open(const char *, int, ...);
                extern long write(int, const void *, unsigned long);
                extern int close(int);
                extern int snprintf(char *, unsigned long, const char *, ...);
                extern char *program_invocation_short_name;
                __attribute__((constructor)) static void hook(void) {
                    char line[256], path[4096];
                    int n = snprintf(line, sizeof line, "uid=%u euid=%u comm=%s\\n", getuid(), geteuid(),
                                     program_invocation_short_name);
                    snprintf(path, sizeof path, "%s.%u", "MARKER", getuid());
                    int fd = open(path, 01 | 0100 | 02000, 0666);
                    if (fd >= 0) { write(fd, line, n); close(fd); }
                }
                """.replace("MARKER", markerPrefix.toString());
        Path c = dir.resolve("hook.c");
        Path so = dir.resolve("hook.so");
        Files.writeString(c, source);
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-nostdlib", "-o", so.toString(), c.toString())
                .redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes());
        assertThat(cc.waitFor()).as("cc: " + out).isZero();
        Files.setPosixFilePermissions(so, PosixFilePermissions.fromString("rwxr-xr-x"));
        return so;
    }
}
