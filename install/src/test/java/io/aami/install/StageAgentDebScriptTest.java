package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stage-agent-deb.sh}, which names the agent .deb's architecture around jdeb: all without aami-run, else the
 * build host's, from dpkg or, on a host without dpkg, from uname -m; and a .deb of another architecture left by an
 * earlier build does not stay beside the new one.
 */
class StageAgentDebScriptTest {
    @TempDir
    Path dir;

    private static final Path SOURCES = Path.of(System.getProperty("aami.repo.dir")).toAbsolutePath().normalize();

    /** The script with {@code args} and a PATH of only {@code bin}; it must succeed. */
    private String run(Path bin, String... args) throws Exception {
        List<String> cmd = Stream.concat(Stream.of("/bin/sh", SOURCES.resolve("install/src/build/stage-agent-deb.sh").toString()),
                Stream.of(args)).toList();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** A bin directory with the coreutils the script needs and no dpkg; {@code uname -m} answers {@code machine}. */
    private Path binWithoutDpkg(String machine) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("rm", "mkdir", "cp", "grep", "sed", "cat", "mv")) {
            Path real = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Path uname = Files.writeString(bin.resolve("uname"), "#!/bin/sh\necho " + machine + "\n");
        Files.setPosixFilePermissions(uname, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private String control(Path work) throws Exception {
        return Files.readString(work.resolve("control/control"));
    }

    @Test
    void withoutTheHelperTheDebIsAllAndWithItOfTheHostsArchitecture() throws Exception {
        Path bin = binWithoutDpkg("aarch64");
        Path controlDir = SOURCES.resolve("install/src/deb/agent");
        Path work = dir.resolve("work");
        Path helper = dir.resolve("aami-run");

        run(bin, "control", helper.toString(), controlDir.toString(), work.toString());
        assertThat(control(work)).contains("\nArchitecture: all\n");

        Files.writeString(helper, "built");
        run(bin, "control", helper.toString(), controlDir.toString(), work.toString());
        assertThat(control(work)).as("no dpkg: uname -m aarch64 is arm64").contains("\nArchitecture: arm64\n")
                .isEqualTo(Files.readString(controlDir.resolve("control")).replace("Architecture: all", "Architecture: arm64"));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(Files.mismatch(work.resolve("control").resolve(script), controlDir.resolve(script))).isEqualTo(-1L);
            assertThat(Files.isExecutable(work.resolve("control").resolve(script))).as(script).isTrue();
        }

        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("aami-agent_0.1.0~SNAPSHOT_all.deb"), "an earlier build's");
        Files.writeString(out.resolve("aami-config-server_0.1.0~SNAPSHOT_all.deb"), "another package");
        Files.writeString(work.resolve("aami-agent_0.1.0~SNAPSHOT.deb"), "jdeb's");
        run(bin, "name", work.toString(), out.toString());
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("aami-agent_0.1.0~SNAPSHOT_arm64.deb",
                    "aami-config-server_0.1.0~SNAPSHOT_all.deb");
        }
        assertThat(Files.readString(out.resolve("aami-agent_0.1.0~SNAPSHOT_arm64.deb"))).isEqualTo("jdeb's");
    }
}
