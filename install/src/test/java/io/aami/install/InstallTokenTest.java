package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install-agent.sh} takes the bootstrap token from a file or standard input and never from, nor into,
 * a command line (any local user can read those in /proc while the installer runs). The script runs with a
 * PATH holding only logging wrappers around the real tools, so every program it starts is recorded with its
 * arguments, and a program not wrapped would fail the run instead of escaping the record. The installer checks the
 * server and its pin before it writes anything, so a real TLS server runs for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstallTokenTest {
    private static final String TOKEN = "aami_tst123.S3cretTokenValue-0123456789abcdef";
    private static final List<String> TOOLS = List.of("dirname", "install", "cat", "chmod", "mv", "cp", "id", "uuidgen", "cut",
            "head", "mkdir", "rm", "useradd", "systemctl", "curl", "openssl", "java", "mktemp", "cmp", "stat", "base64", "sha256sum",
            "ln", "rmdir");

    private TestServer server;
    private String pin;

    @TempDir
    Path dir;
    private Path bin;
    private Path execLog;
    private Path root;
    private Path jar;

    @BeforeAll
    void startServer() throws Exception {
        server = TestServer.start(Map.of("AAMI_TLS", "on"));
        pin = AgentInstaller.pin(server);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @BeforeEach
    void wrapTools() throws Exception {
        bin = Files.createDirectory(dir.resolve("bin"));
        execLog = dir.resolve("exec.log");
        root = dir.resolve("root");
        jar = JavaProcess.jar("aami.agent.jar");
        for (String tool : TOOLS) {
            Path real = onPath(tool);
            if (real != null) {
                Path w = bin.resolve(tool);
                Files.writeString(w, "#!/bin/bash\nprintf '%s ' \"$0\" \"$@\" >>'" + execLog + "'\nprintf '\\n' >>'" + execLog
                        + "'\nexec '" + real + "' \"$@\"\n");
                Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private record Run(int exit, String output) {
    }

    private Run install(String stdin, String... tokenArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", repo().resolve("install/src/main/dist/install-agent.sh").toString(),
                "--root", root.toString(), "--server", "127.0.0.1:" + server.port(), "--ca-pin", pin, "--run-as", "nobody",
                "--jar", jar.toString()));
        cmd.addAll(Arrays.asList(tokenArgs));
        Path out = dir.resolve("install.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("PATH", bin.toString());
        pb.environment().remove("JAVA_HOME");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    private void assertInstalledWithoutExposingTheToken(Run run) throws Exception {
        assertThat(run.exit()).as(run.output()).isZero();
        Path tokenFile = root.resolve("etc/aami/bootstrap-token");
        assertThat(Files.readString(tokenFile)).isEqualTo(TOKEN + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(root.resolve("etc/aami/bootstrap-token.tmp")).doesNotExist();
        assertThat(Files.readString(root.resolve("etc/aami/agent.yaml"))).contains("bootstrap_token_file").doesNotContain(TOKEN);
        String execs = Files.readString(execLog);
        assertThat(execs).as("the installer ran its tools through the wrappers").contains("/install ").contains("/mv ");
        assertThat(execs).as("no program saw the token as an argument").doesNotContain(TOKEN).doesNotContain("S3cret");
        assertThat(run.output()).doesNotContain(TOKEN);
    }

    @Test
    void theTokenComesFromAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertInstalledWithoutExposingTheToken(install(null, "--token-file", file.toString()));
    }

    @Test
    void theTokenComesFromStandardInput() throws Exception {
        assertInstalledWithoutExposingTheToken(install(TOKEN + "\n", "--token", "-"));
    }

    @Test
    void theTokenComesFromStandardInputWithoutANewline() throws Exception {
        assertInstalledWithoutExposingTheToken(install(TOKEN, "--token-stdin"));
    }

    @Test
    void aTokenOnTheCommandLineIsRefusedAndNothingIsInstalled() throws Exception {
        Run run = install(null, "--token", TOKEN);
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("--token-file").contains("--token -").doesNotContain(TOKEN);
        assertThat(root).doesNotExist();
    }

    @Test
    void noUsableTokenInstallsNothing() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        Path spaced = Files.writeString(dir.resolve("spaced"), "aami_x. y\n");
        for (Run run : List.of(install("", "--token", "-"), install(null, "--token-file", empty.toString()),
                install(null, "--token-file", spaced.toString()), install(null, "--token-file", dir.resolve("missing").toString()),
                install(null))) {
            assertThat(run.exit()).as(run.output()).isNotZero();
            assertThat(root).doesNotExist();
        }
    }

    private static Path onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path repo() {
        return Path.of(System.getProperty("aami.repo.dir")).toAbsolutePath().normalize();
    }
}
