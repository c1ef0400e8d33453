package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build-rpm.sh}, which the install module's package phase runs, on a machine without rpmbuild: the build
 * goes on and says the .rpm packages were skipped, unless AAMI_REQUIRE_TOOLS is set (CI), which makes it fail.
 */
class RpmBuildScriptTest {
    @TempDir
    Path dir;

    private record Result(int exit, String output) {
    }

    /** The script with a PATH holding only what it needs before it looks for rpmbuild. */
    private Result runWithoutRpmbuild(Map<String, String> env) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("dirname"), Path.of("/usr/bin/dirname"));
        Path script = Path.of(System.getProperty("aami.repo.dir"), "install/src/rpm/build-rpm.sh").toAbsolutePath().normalize();
        Path out = Files.createDirectories(dir.resolve("out"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script.toString(), "0.1.0-SNAPSHOT", dir.toString(), "agent.jar", "server.jar",
                out.toString(), dir.resolve("provider-root").toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (var left = Files.list(out)) {
            assertThat(left).as("nothing built").isEmpty();
        }
        return new Result(p.exitValue(), output);
    }

    @Test
    void withoutRpmbuildTheBuildGoesOnAndSaysSo() throws Exception {
        Result r = runWithoutRpmbuild(Map.of());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SKIPPED the .rpm packages: rpmbuild not found");
    }

    @Test
    void withoutRpmbuildUnderAamiRequireToolsTheBuildFails() throws Exception {
        Result r = runWithoutRpmbuild(Map.of("AAMI_REQUIRE_TOOLS", "1"));
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("rpmbuild not found and AAMI_REQUIRE_TOOLS is set");
    }
}
