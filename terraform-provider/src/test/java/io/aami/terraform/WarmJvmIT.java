package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.terraform.plugin.AutoMtls;
import io.aami.terraform.proto.GRPCControllerGrpc;
import io.aami.terraform.proto.GoPlugin;
import io.aami.terraform.proto.ProviderGrpc;
import io.aami.terraform.proto.Tfplugin6;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.aami.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher and the warm JVM behind it ({@code InstanceServer}), through the real launcher script: each start
 * gets an instance of its own (own port, own automatic-mTLS certificate, own settings), served by one JVM per
 * user; an instance ends with Terraform's Shutdown, its launcher or Terraform; the JVM leaves when idle; and a
 * runtime directory anyone else could enter is never used. Each test has a runtime directory of its own.
 */
class WarmJvmIT {
    private static final Path LAUNCHER = Path.of(System.getProperty("aami.provider.dir", "target/provider"), "terraform-provider-aami");

    @TempDir
    Path tmp;
    private Path runtime;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWarmJvms() throws IOException {
        started.forEach(Process::destroyForcibly);
        if (runtime != null && Files.isDirectory(runtime.resolve("aami-terraform-provider"))) {
            try (var dirs = Files.list(runtime.resolve("aami-terraform-provider"))) {
                for (Path d : dirs.toList()) {
                    warmPid(d).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /** A start as Terraform makes it: the launcher under a shell standing in for Terraform. */
    private record Start(Process terraform, ProcessHandle launcher, String handshake, BufferedReader out) {
        int port() {
            return Integer.parseInt(handshake.split("\\|")[3].split(":")[1]);
        }

        String certificate() {
            return handshake.split("\\|")[5];
        }
    }

    private Start start(Map<String, String> env, String clientCertPem) throws IOException {
        return start(env, clientCertPem, null);
    }

    private Start start(Map<String, String> env, String clientCertPem, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "\"$0\" & echo $!; wait", LAUNCHER.toString());
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_") || k.startsWith("XDG_") || k.startsWith("PLUGIN_"));
        pb.environment().put("TF_PLUGIN_MAGIC_COOKIE", ProviderMain.COOKIE_VALUE);
        pb.environment().put("PLUGIN_PROTOCOL_VERSIONS", "6");
        pb.environment().put("PLUGIN_CLIENT_CERT", clientCertPem);
        pb.environment().put("XDG_RUNTIME_DIR", runtime().toString());
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process shell = pb.start();
        started.add(shell);
        BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
        ProcessHandle launcher = ProcessHandle.of(Long.parseLong(out.readLine().trim())).orElseThrow();
        String handshake = out.readLine();
        assertThat(handshake).startsWith("1|6|tcp|127.0.0.1:");
        return new Start(shell, launcher, handshake, out);
    }

    private Path runtime() throws IOException {
        if (runtime == null) {
            runtime = Files.createDirectory(tmp.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return runtime;
    }

    /** The warm JVMs' directories (one per provider build). */
    private List<Path> warmDirs() throws IOException {
        Path base = runtime.resolve("aami-terraform-provider");
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (var dirs = Files.list(base)) {
            return dirs.toList();
        }
    }

    private static java.util.Optional<Long> warmPid(Path dir) {
        try {
            return java.util.Optional.of(Long.parseLong(Files.readString(dir.resolve("pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Terraform's side of automatic mTLS: its own key and certificate, trusting the certificate of the handshake. */
    private record Client(KeyPair key, X509Certificate cert, String pem) {
        static Client create() throws Exception {
            KeyPair key = AutoMtls.newKey();
            X509Certificate cert = AutoMtls.selfSigned(key);
            return new Client(key, cert, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
        }

        ManagedChannel connect(Start s) throws Exception {
            X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(s.certificate())));
            return NettyChannelBuilder.forAddress("127.0.0.1", s.port()).overrideAuthority("localhost")
                    .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient().keyManager(key.getPrivate(), cert)
                            .trustManager(server), SslProvider.JDK).build()).build();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitClosed(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listening(port) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(listening(port)).as("port " + port + " closed").isFalse();
    }

    @Test
    void everyStartIsAnInstanceOfItsOwnServedByOneWarmJvm() throws Exception {
        Set<Long> launchers = new HashSet<>();
        Set<String> certificates = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Client client = Client.create();
            Start s = start(Map.of(), client.pem());
            launchers.add(s.launcher().pid());
            certificates.add(s.certificate());
            ManagedChannel ch = client.connect(s);
            try {
                Tfplugin6.GetProviderSchema.Response schema = ProviderGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
                assertThat(schema.getResourceSchemasMap()).containsKey("aami_target");
                GRPCControllerGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).shutdown(GoPlugin.Empty.getDefaultInstance());
            } finally {
                ch.shutdownNow();
            }
            // The launcher ends by itself, with status 0, as a provider does after Shutdown; the instance's port closes.
            assertThat(s.launcher().onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(s.terraform().waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(s.terraform().exitValue()).isZero();
            awaitClosed(s.port());
        }
        assertThat(launchers).hasSize(3);
        assertThat(certificates).as("a certificate per start").hasSize(3);
        List<Path> dirs = warmDirs();
        assertThat(dirs).hasSize(1);
        Path dir = dirs.get(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        long pid = warmPid(dir).orElseThrow();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(Files.readString(dir.resolve("log")).lines().filter(l -> l.contains("serving"))).hasSize(3);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no request's pipe left")
                    .containsExactlyInAnyOrder("lock", "log", "pid", "requests");
        }
    }

    @Test
    void theLauncherOrTerraformGoneEndsTheInstanceAndTheWarmJvmStays() throws Exception {
        Start killed = start(Map.of(), Client.create().pem());
        assertThat(listening(killed.port())).isTrue();
        killed.launcher().destroyForcibly();
        awaitClosed(killed.port());

        Start orphaned = start(Map.of(), Client.create().pem());
        orphaned.terraform().destroyForcibly(); // Terraform gone: its launcher, now init's child, must end too
        awaitClosed(orphaned.port());
        assertThat(orphaned.launcher().onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();

        long pid = warmPid(warmDirs().get(0)).orElseThrow();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(Files.readString(warmDirs().get(0).resolve("log")).lines().filter(l -> l.contains("serving"))).hasSize(2);
    }

    @Test
    void theWarmJvmLeavesWhenIdle() throws Exception {
        Start s = start(Map.of("AAMI_PROVIDER_DAEMON_IDLE", "1"), Client.create().pem());
        Path dir = warmDirs().get(0);
        ProcessHandle warm = ProcessHandle.of(warmPid(dir).orElseThrow()).orElseThrow();
        assertThat(warm.isAlive()).as("an instance in use keeps it").isTrue();
        s.terraform().destroyForcibly();
        warm.onExit().get(20, TimeUnit.SECONDS);
        assertThat(dir.resolve("pid")).doesNotExist();
    }

    @Test
    void offWhenAskedOrWhenTheRuntimeDirectoryIsNotPrivate() throws Exception {
        start(Map.of("AAMI_PROVIDER_DAEMON", "0"), Client.create().pem()).terraform().destroyForcibly();
        assertThat(runtime().resolve("aami-terraform-provider")).doesNotExist();

        // Open to others, or a link to a directory of ours: served by a JVM of the start's own, nothing written there.
        Path open = Files.createDirectory(runtime.resolve("aami-terraform-provider"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Start direct = start(Map.of(), Client.create().pem());
        try (var entries = Files.list(open)) {
            assertThat(entries).isEmpty();
        }
        assertThat(direct.launcher().info().command().orElse("")).as("the launcher became the JVM").endsWith("java");
        direct.terraform().destroyForcibly();
        Files.delete(open);
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(open, elsewhere);
        start(Map.of(), Client.create().pem()).terraform().destroyForcibly();
        try (var entries = Files.list(elsewhere)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aForgedOrBrokenRequestIsRefusedAndTheNextStartIsServed() throws Exception {
        start(Map.of(), Client.create().pem()).terraform().destroyForcibly();
        Path dir = warmDirs().get(0);
        // A request naming a process that is not its writer's launcher, and lines that are no request at all.
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        started.add(sleeper);
        String forged = Long.toString(sleeper.pid());
        for (String suffix : List.of(".hs", ".in")) {
            assertThat(new ProcessBuilder("mkfifo", "-m", "600", dir.resolve(forged + suffix).toString()).start().waitFor()).isZero();
        }
        try (var requests = java.nio.channels.FileChannel.open(dir.resolve("requests"), java.nio.file.StandardOpenOption.WRITE);
             var hs = java.nio.channels.FileChannel.open(dir.resolve(forged + ".hs"), java.nio.file.StandardOpenOption.READ,
                     java.nio.file.StandardOpenOption.WRITE);
             var in = java.nio.channels.FileChannel.open(dir.resolve(forged + ".in"), java.nio.file.StandardOpenOption.READ,
                     java.nio.file.StandardOpenOption.WRITE)) {
            requests.write(StandardCharsets.UTF_8.encode("../../etc/passwd\n\n" + forged + "\n"));
            long notItsParent = ProcessHandle.current().parent().orElseThrow().pid();
            in.write(StandardCharsets.UTF_8.encode("pid=" + forged + "\0ppid=" + notItsParent
                    + "\0cwd=/\0env.AAMI_TOKEN=stolen\0end\0"));
            java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(64);
            hs.read(answer);
            assertThat(new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8)).isEqualTo("refused\n");
        }
        String log = Files.readString(dir.resolve("log"));
        assertThat(log).contains("request refused").contains("not the launcher's parent").doesNotContain("stolen");
        Start next = start(Map.of(), Client.create().pem());
        assertThat(listening(next.port())).isTrue();
        next.terraform().destroyForcibly();
    }

    /** The warm JVM of a directory, killed as the OOM killer or a reboot would: its pid file stays behind. */
    private Path killedWarmJvm() throws Exception {
        Start first = start(Map.of(), Client.create().pem());
        first.terraform().destroyForcibly();
        first.launcher().onExit().get(10, TimeUnit.SECONDS);
        Path dir = warmDirs().get(0);
        ProcessHandle warm = ProcessHandle.of(warmPid(dir).orElseThrow()).orElseThrow();
        warm.destroyForcibly();
        warm.onExit().get(10, TimeUnit.SECONDS);
        return dir;
    }

    private Process sleeper(Path workDir) throws IOException {
        Process p = new ProcessBuilder("sleep", "60").directory(workDir == null ? null : workDir.toFile()).start();
        started.add(p);
        return p;
    }

    /** A start that waits for its handshake on another thread, while the test plays the warm JVM's part. */
    private java.util.concurrent.CompletableFuture<Start> startAsync() {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return start(Map.of(), Client.create().pem());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String serving(Start s) {
        return "serving InstanceRequest[launcher=" + s.launcher().pid() + ",";
    }

    private static String awaitLog(Path dir, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String log = Files.readString(dir.resolve("log"));
        while (!log.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            log = Files.readString(dir.resolve("log"));
        }
        return log;
    }

    /** The warm JVM killed while it serves a start: that start's launcher ends (status 1) rather than wait forever. */
    @Test
    void theWarmJvmKilledMidInstanceEndsTheLauncher() throws Exception {
        Start s = start(Map.of(), Client.create().pem());
        ProcessHandle warm = ProcessHandle.of(warmPid(warmDirs().get(0)).orElseThrow()).orElseThrow();
        warm.destroyForcibly();
        assertThat(s.launcher().onExit().get(8, TimeUnit.SECONDS).isAlive()).as("the launcher ended").isFalse();
    }

    /** A pid used again by another process of the user (root: any process) is not taken for the warm JVM. */
    @Test
    void aStalePidFileNamingAnotherProcessIsNotTakenForTheWarmJvm() throws Exception {
        Path dir = killedWarmJvm();
        Process other = sleeper(null);
        Files.writeString(dir.resolve("pid"), other.pid() + "\n");
        Start s = start(Map.of(), Client.create().pem());
        // Taken for the warm JVM, the sleeper would be written to, never answer, and the launcher would serve the
        // start itself after 20 s with no new warm JVM: so a new pid serving this start proves no such wait, with no
        // timed bound (a cold JVM's start on a loaded CI machine took 10.7 s).
        assertThat(warmPid(dir)).isPresent().get().isNotEqualTo(other.pid());
        assertThat(awaitLog(dir, serving(s))).as("a new warm JVM serves it").contains(serving(s));
        s.terraform().destroyForcibly();
    }

    /** The JVM a launcher wrote to, gone before it answered (killed, or left when idle): the launcher does not wait 20 s. */
    @Test
    void aWarmJvmGoneBeforeItAnsweredCostsAtMostTwoSeconds() throws Exception {
        Path dir = killedWarmJvm();
        Process gone = sleeper(dir); // runs in the directory, as the warm JVM does: taken for it, then killed
        Files.writeString(dir.resolve("pid"), gone.pid() + "\n");
        long t0 = System.nanoTime();
        var s = startAsync();
        Thread.sleep(1000);
        gone.destroyForcibly();
        Start served = s.get(30, TimeUnit.SECONDS);
        // Waiting for the gone JVM would cost the launcher 20 s before it served the start itself; the bound leaves
        // the rest for a cold JVM's start on a loaded CI machine (10.7 s seen there).
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(18));
        assertThat(listening(served.port())).isTrue();
        served.terraform().destroyForcibly();
    }

    /**
     * A start while the warm JVM is leaving (its pid file gone, its lock still held, as in its last 0.5 s when idle or
     * later on a loaded machine): the JVM that start begins waits for the lock and serves it, rather than leaving at
     * once and the launcher waiting 10 s for a pid file, then starting a JVM of its own.
     */
    @Test
    void aStartWhileTheWarmJvmLeavesIsServedByTheNextOne() throws Exception {
        Path dir = killedWarmJvm();
        Files.delete(dir.resolve("pid"));
        try (var lockFile = java.nio.channels.FileChannel.open(dir.resolve("lock"), java.nio.file.StandardOpenOption.WRITE)) {
            var lock = lockFile.lock();
            var s = startAsync();
            Thread.sleep(1500); // the leaving JVM's last moments, after the new one has started
            lock.release();
            Start served = s.get(30, TimeUnit.SECONDS);
            // A launcher that gave up waiting for the pid file serves the start itself: no warm JVM's log names it.
            assertThat(awaitLog(dir, serving(served))).contains(serving(served));
            served.terraform().destroyForcibly();
        }
    }

    /** The working directory reaches the instance as it is, a name with spaces and a trailing newline included. */
    @Test
    void theWorkingDirectoryIsSentAsItIs() throws Exception {
        Path odd = Files.createDirectory(tmp.resolve("a b $x '\\ %s\n"));
        Start s = start(Map.of("AAMI_TOKEN", "t\n$x '\\ %s\n"), Client.create().pem(), odd);
        String log = awaitLog(warmDirs().get(0), serving(s));
        assertThat(log).contains(serving(s) + " terraform=").contains(", cwd=" + odd.toRealPath() + ", cert=true");
        s.terraform().destroyForcibly();
    }

    /** Settings are the start's own: one warm JVM serves a wrong token and a right one, each as given. */
    @Test
    void eachStartHasItsOwnSettings() throws Exception {
        TerraformDir.requireTerraform();
        try (TestServer server = TestServer.start(Map.of())) {
            TerraformDir ok = TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN)
                    .withEnv("XDG_RUNTIME_DIR", runtime().toString())
                    .config("resource \"aami_group\" \"g\" {\n  name = \"warm-jvm\"\n}\n");
            ok.run("apply", "-auto-approve").ok();
            TerraformDir.Run refused = ok.withEnv("AAMI_TOKEN", "not-the-admin-token").run("plan");
            assertThat(refused.exit()).as(refused.output()).isNotZero();
            assertThat(refused.output()).contains("HTTP 401");
            TerraformDir.Run plan = ok.run("plan", "-detailed-exitcode");
            assertThat(plan.exit()).as(plan.output()).isZero();
            assertThat(warmDirs()).hasSize(1);
            assertThat(Files.readString(warmDirs().get(0).resolve("log")).lines().filter(l -> l.contains("serving")).count())
                    .isGreaterThanOrEqualTo(6);
        }
    }

    /**
     * Many plans through one warm JVM leave nothing behind: each start's gRPC server, event loops, HTTP client and
     * request timer end with it. Measured at 150 plans: 47-88 threads, 22-61 descriptors, RSS flat at 200 MB after
     * 60 plans; a start's two event loops left running would add some 300 threads here.
     */
    @Test
    void manyPlansLeaveNoThreadsOrDescriptorsBehind() throws Exception {
        TerraformDir.requireTerraform();
        try (TestServer server = TestServer.start(Map.of())) {
            TerraformDir dir = TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN).withEnv("XDG_RUNTIME_DIR", runtime().toString())
                    .config("resource \"aami_group\" \"g\" {\n  name = \"soak\"\n}\n");
            dir.run("apply", "-auto-approve").ok();
            long warm = warmPid(warmDirs().get(0)).orElseThrow();
            for (int i = 0; i < 30; i++) {
                TerraformDir.Run plan = dir.run("plan", "-detailed-exitcode");
                assertThat(plan.exit()).as(plan.output()).isZero();
            }
            assertThat(warmPid(warmDirs().get(0))).as("one warm JVM served them all").contains(warm);
            try (var threads = Files.list(Path.of("/proc/" + warm + "/task"));
                 var fds = Files.list(Path.of("/proc/" + warm + "/fd"))) {
                assertThat(threads.count()).isLessThan(150);
                assertThat(fds.count()).isLessThan(150);
            }
        }
    }
}
