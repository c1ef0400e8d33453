package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up figure: {@code terraform plan} over 100 resources and the provider's share of it,
 * measured against a peer in the same run: the same plan over 100 {@code terraform_data} resources (Terraform's
 * built-in provider, no plugin process), so that the difference is what the provider costs (its processes'
 * starts, TLS, calls, refreshes against the server, exits). Three ways, each in the same run: every start a JVM
 * of its own ({@code AAMI_PROVIDER_DAEMON=0}); the first plan of a user with no warm JVM yet (its first start
 * starts one); and the next plan, served by that warm JVM. Also each process's start (exec to handshake line),
 * connection (handshake to the first call) and exit (Close to the process gone), from Terraform's debug log.
 * Prints the figures (the machine is shared: never asserts speed); asserts that the plans are clean, that every
 * provider process ended by itself with status 0, and that the warm plans were served by one JVM.
 */
@Tag("terraform-long")
class PlanStartupIT {
    private static final Pattern LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})Z "
            + "\\[[A-Z]+\\] +(provider: starting plugin|provider: using plugin|GRPCProvider.v6: [A-Za-z]+|provider: plugin process exited)");

    @TempDir
    Path tmp;

    @Test
    void planOverAHundredResources() throws Exception {
        TerraformDir.requireTerraform();
        try (TestServer server = TestServer.start(Map.of())) {
            StringBuilder aami = new StringBuilder();
            StringBuilder peer = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                aami.append("resource \"aami_group\" \"g").append(i).append("\" {\n  name = \"g-").append(i).append("\"\n}\n");
                peer.append("resource \"terraform_data\" \"g").append(i).append("\" {\n  input = \"g-").append(i).append("\"\n}\n");
            }
            TerraformDir tf = TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN).config(aami.toString());
            TerraformDir builtIn = TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN).write("main.tf", peer.toString());
            tf.run("apply", "-auto-approve").ok();
            builtIn.run("apply", "-auto-approve").ok();
            long peerMs = plan(builtIn).wallMs;
            Timed direct = plan(tf.withEnv("AAMI_PROVIDER_DAEMON", "0"));
            Path runtime = Files.createDirectory(tmp.resolve("runtime"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            TerraformDir fresh = tf.withEnv("XDG_RUNTIME_DIR", runtime.toString()).withEnv("AAMI_PROVIDER_DAEMON_IDLE", "15");
            Timed first = plan(fresh);
            Timed next = plan(fresh);
            try (var dirs = Files.list(runtime.resolve("aami-terraform-provider"))) {
                assertThat(dirs.toList()).as("one warm JVM's directory").hasSize(1)
                        .allSatisfy(d -> assertThat(Files.readString(d.resolve("log"))).contains("serving"));
            }
            System.out.printf("terraform plan, 100 aami_group: the same plan over 100 terraform_data (no plugin): %d ms; "
                    + "provider's share (goal: <= 2000 ms): every start a JVM of its own %s; first plan, starting the warm JVM %s; "
                    + "next plan, served by it %s; load average %s%n", peerMs, direct.describe(peerMs), first.describe(peerMs),
                    next.describe(peerMs), Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    private record Timed(long wallMs, String output) {
        /** The share over the peer's plan, and each provider process's start, connection and exit. */
        String describe(long peerMs) {
            List<Long> starts = between(output, "provider: starting plugin", "provider: using plugin");
            List<Long> connects = between(output, "provider: using plugin", "GRPCProvider.v6: ");
            List<Long> stops = between(output, "GRPCProvider.v6: Close", "provider: plugin process exited");
            assertThat(stops).as(output).hasSameSizeAs(starts).isNotEmpty();
            assertThat(output).doesNotContain("plugin failed to exit gracefully")
                    .doesNotContainPattern("plugin process exited:[^\\n]*error=");
            return String.format("%d ms (plan %d ms; %d provider processes: exec to handshake %s ms, handshake to first call %s ms, "
                    + "Close to exit %s ms)", wallMs - peerMs, wallMs, starts.size(), starts, connects, stops);
        }
    }

    /** A no-change plan with Terraform's trace log (both plans log alike, so the log's cost cancels out). */
    private static Timed plan(TerraformDir dir) {
        long start = System.nanoTime();
        TerraformDir.Run plan = dir.withEnv("TF_LOG", "trace").run("plan", "-detailed-exitcode");
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(plan.exit()).as(plan.output()).isZero();
        return new Timed(wallMs, plan.output());
    }

    /** Milliseconds from each {@code from} line to the first {@code to} line after it ({@code to} may be a prefix). */
    private static List<Long> between(String log, String from, String to) {
        List<Long> out = new ArrayList<>();
        LocalTime began = null;
        for (String line : log.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                LocalTime t = LocalTime.parse(m.group(1));
                if (m.group(2).startsWith(from)) {
                    began = t;
                } else if (m.group(2).startsWith(to) && began != null) {
                    out.add(Duration.between(began, t).toMillis());
                    began = null;
                }
            }
        }
        return out;
    }
}
