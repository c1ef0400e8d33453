package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Terraform working directory for a test: the real {@code terraform} binary, a CLI configuration of its own
 * (a {@code dev_overrides} entry pointing {@code aami/aami} at the built provider, nothing from the machine's
 * own {@code TF_CLI_CONFIG_FILE} or {@code ~/.terraformrc}), and the provider's settings in its environment.
 * Skips the test when terraform is absent, unless {@code AAMI_REQUIRE_TOOLS} is set.
 */
final class TerraformDir {
    static final String TERRAFORM = findTerraform();
    private final Path dir;
    private final Path cliConfig;
    private final Map<String, String> env;

    /** The output and exit code of one terraform command. */
    record Run(int exit, String output) {
        Run ok() {
            assertThat(exit).as("terraform failed:\n" + output).isZero();
            return this;
        }
    }

    private TerraformDir(Path dir, Path cliConfig, Map<String, String> env) {
        this.dir = dir;
        this.cliConfig = cliConfig;
        this.env = env;
    }

    /** The same directory, with {@code name=value} added to terraform's environment. */
    TerraformDir withEnv(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(env);
        more.put(name, value);
        return new TerraformDir(dir, cliConfig, Map.copyOf(more));
    }

    /** The same provider and settings, working in {@code name} under this directory. */
    TerraformDir sub(String name) {
        return new TerraformDir(dir.resolve(name), cliConfig, env);
    }

    /** A new directory whose provider talks to {@code address} with {@code token} (through AAMI_* variables). */
    static TerraformDir create(Path parent, String address, String token) {
        return create(parent, address, token, Map.of());
    }

    /** As {@link #create(Path, String, String)}, with more AAMI_* settings (a CA pin). */
    static TerraformDir create(Path parent, String address, String token, Map<String, String> more) {
        requireTerraform();
        try {
            Path dir = Files.createTempDirectory(parent, "tf");
            Path providerDir = Path.of(System.getProperty("aami.provider.dir", "target/provider")).toAbsolutePath();
            assertThat(providerDir.resolve("terraform-provider-aami")).as("the built provider (mvn package)").exists();
            Files.writeString(dir.resolve("cli.tfrc"), "provider_installation {\n  dev_overrides {\n    \"aami/aami\" = \""
                    + providerDir + "\"\n  }\n  direct {}\n}\n");
            Map<String, String> env = new java.util.HashMap<>(more);
            env.put("AAMI_ADDRESS", address);
            env.put("AAMI_TOKEN", token);
            // The warm JVM these commands share (the launcher's default) leaves soon after the tests.
            env.put("AAMI_PROVIDER_DAEMON_IDLE", "30");
            return new TerraformDir(dir, dir.resolve("cli.tfrc"), Map.copyOf(env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireTerraform() {
        if (TERRAFORM == null) {
            if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
                throw new AssertionError("terraform is not installed (AAMI_REQUIRE_TOOLS is set)");
            }
            Assumptions.abort("terraform is not installed (/usr/local/bin/terraform or on PATH): provider tests skipped");
        }
    }

    private static String findTerraform() {
        if (Files.isExecutable(Path.of("/usr/local/bin/terraform"))) {
            return "/usr/local/bin/terraform";
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "terraform"))) {
                return Path.of(p, "terraform").toString();
            }
        }
        return null;
    }

    Path path() {
        return dir;
    }

    TerraformDir write(String file, String content) {
        try {
            Files.writeString(dir.resolve(file), content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration: a provider block reading its settings from the environment, then {@code body}. */
    TerraformDir config(String body) {
        return write("main.tf", "terraform {\n  required_providers {\n    aami = { source = \"aami/aami\" }\n  }\n}\n\n"
                + "provider \"aami\" {}\n\n" + body);
    }

    /** Runs {@code terraform args...} (no colour, no input) and returns its exit code and output. */
    Run run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(TERRAFORM);
        cmd.add(args[0]);
        if (!args[0].equals("fmt") && !args[0].equals("version")) {
            cmd.add("-no-color");
        }
        if (List.of("plan", "apply", "destroy", "import").contains(args[0])) {
            cmd.add("-input=false");
        }
        cmd.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("AAMI_"));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put("TF_CLI_CONFIG_FILE", cliConfig.toString());
        pb.environment().put("TF_IN_AUTOMATION", "1");
        pb.environment().put("CHECKPOINT_DISABLE", "1");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("terraform " + String.join(" ", args) + " did not finish");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
