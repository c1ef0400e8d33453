package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.nio.file.Path;
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
 * The start-up figure: {@code terraform plan} over 100 resources, and the provider's share of it — the
 * time Terraform waits for the provider's processes to start (from "starting plugin" to "using plugin" in
 * Terraform's debug log, every start summed). Prints the figures (the machine is shared: never asserts speed);
 * asserts only that the plan is clean.
 */
@Tag("terraform-long")
class PlanStartupIT {
    private static final Pattern LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})Z "
            + "\\[[A-Z]+\\] +(provider: starting plugin|provider: using plugin|GRPCProvider.v6: Close|provider: plugin process exited)");

    @TempDir
    Path tmp;

    @Test
    void planOverAHundredResources() throws Exception {
        TerraformDir.requireTerraform();
        try (TestServer server = TestServer.start(Map.of())) {
            StringBuilder cfg = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                cfg.append("resource \"aami_group\" \"g").append(i).append("\" {\n  name = \"g-").append(i).append("\"\n}\n");
            }
            TerraformDir tf = TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN).config(cfg.toString());
            tf.run("apply", "-auto-approve").ok();
            long start = System.nanoTime();
            TerraformDir.Run plan = tf.withEnv("TF_LOG", "trace").run("plan", "-detailed-exitcode");
            long wallMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(plan.exit()).as(plan.output()).isZero();
            List<Long> starts = between(plan.output(), "provider: starting plugin", "provider: using plugin");
            List<Long> stops = between(plan.output(), "GRPCProvider.v6: Close", "provider: plugin process exited");
            long share = starts.stream().mapToLong(Long::longValue).sum() + stops.stream().mapToLong(Long::longValue).sum();
            System.out.printf("terraform plan, 100 aami_group: %d ms wall; provider started %d times (%s ms), stopped %s ms; "
                    + "start and stop %d ms in all (goal: <= 2000 ms); load average %s%n", wallMs, starts.size(), starts, stops,
                    share, java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    /** Milliseconds from each {@code from} line to the {@code to} line after it. */
    private static List<Long> between(String log, String from, String to) {
        List<Long> out = new ArrayList<>();
        LocalTime began = null;
        for (String line : log.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                LocalTime t = LocalTime.parse(m.group(1));
                if (m.group(2).equals(from)) {
                    began = t;
                } else if (m.group(2).equals(to) && began != null) {
                    out.add(java.time.Duration.between(began, t).toMillis());
                    began = null;
                }
            }
        }
        return out;
    }
}
