package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs {@code install-agent.sh} with bash as a child process, and describes the trees it writes. */
final class AgentInstaller {
    private final Path log;
    private final Path script;

    AgentInstaller(Path log) {
        this(log, script());
    }

    /** With a copy of the script at {@code script}: what lies beside it (aami-run) is the test's. */
    AgentInstaller(Path log, Path script) {
        this.log = log;
        this.script = script;
    }

    record Run(int exit, String output) {
        Run succeeded() {
            assertThat(exit).as(output).isZero();
            return this;
        }

        Run failedWith(String message) {
            assertThat(exit).as(output).isNotZero();
            assertThat(output).contains(message);
            return this;
        }
    }

    static Path script() {
        return Path.of(System.getProperty("aami.repo.dir")).toAbsolutePath().normalize().resolve("install/src/main/dist/install-agent.sh");
    }

    /** The script with {@code args}, JAVA_HOME unset unless {@code env} sets it, {@code stdin} (may be null) on its input. */
    Run run(List<String> args, Map<String, String> env, String stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("install-agent.sh finished").isTrue();
        return new Run(p.exitValue(), Files.readString(log));
    }

    Run run(String... args) throws Exception {
        return run(List.of(args), Map.of(), null);
    }

    /** The SHA-256 pin of the CA a TLS {@link TestServer} uses, as {@code ca pin} prints it. */
    static String pin(TestServer server) throws Exception {
        try (InputStream in = Files.newInputStream(server.caCertificate())) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        }
    }

    /**
     * Every path under {@code root} with its type, mode, and content (files: size, SHA-256 and modification time;
     * links: target), so that two snapshots are equal only when nothing was written, moved or touched.
     */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return tree;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                tree.put(root.relativize(p).toString(), describe(p));
            }
        }
        return tree;
    }

    private static String describe(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return "link -> " + Files.readSymbolicLink(p);
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "dir " + mode;
        }
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
            return "file " + mode + " " + Files.size(p) + " " + sha + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
