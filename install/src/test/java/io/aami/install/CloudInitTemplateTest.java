package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code install/cloud-init/agent.yaml}, rendered as Terraform's {@code templatefile()} renders it: a valid
 * {@code #cloud-config} by cloud-init's own schema check, writing the agent's id from {@code agent_uuid},
 * the token only into a root-only file the installer reads with {@code --token-file}.
 */
class CloudInitTemplateTest {
    private static final String UUID = "0b6f1c64-8d2e-4c52-9e4a-2a1f4f3d7c11";
    private static final String TOKEN = "aami_k3x9q2.8f2hd0123456789abcdefghijklmnopq";
    private static final String PIN = "sha256:" + "3f1c".repeat(16);
    private static final Map<String, String> VARS = Map.of("agent_uuid", UUID, "aami_server", "config.example.com:8443",
            "aami_ca_pin", PIN, "aami_token", TOKEN, "aami_download", "https://downloads.example.com/aami/0.1.0");

    @TempDir
    Path dir;

    private static String template() throws Exception {
        return Files.readString(Path.of(System.getProperty("aami.repo.dir"), "install/cloud-init/agent.yaml"));
    }

    private static TerraformTemplate.Rendered rendered() throws Exception {
        return TerraformTemplate.render(template(), VARS);
    }

    @Test
    void theRenderedTemplatePassesCloudInitsSchemaCheck() throws Exception {
        boolean present = onPath("cloud-init");
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as("cloud-init on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, "cloud-init not installed");
        Path file = Files.writeString(dir.resolve("user-data.yaml"), rendered().text());
        Process p = new ProcessBuilder("cloud-init", "schema", "--config-file", file.toString()).redirectErrorStream(true).start();
        String verdict = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("cloud-init schema said: " + verdict).isZero();
        assertThat(verdict).contains("Valid cloud-config");
    }

    @Test
    void everyVariableIsDocumentedAndUsedAndNoneIsMissing() throws Exception {
        assertThat(rendered().used()).isEqualTo(VARS.keySet());
        for (String name : VARS.keySet()) {
            assertThat(template()).as("the header shows " + name).containsPattern("#\\s+" + name + "\\s+=");
        }
        assertThatThrownBy(() -> TerraformTemplate.render(template(), Map.of("agent_uuid", UUID)))
                .hasMessageContaining("does not contain key");
    }

    @Test
    void itWritesTheIdAndARootOnlyTokenFileThatTheInstallerReads() throws Exception {
        String text = rendered().text();
        assertThat(text).startsWith("#cloud-config\n");
        Map<String, Object> doc = new Yaml().load(text);
        List<Map<String, Object>> files = list(doc.get("write_files"));
        Map<String, Object> id = file(files, "/etc/aami/agent-id");
        assertThat(id.get("content")).isEqualTo(UUID + "\n");
        assertThat(id.get("permissions")).isEqualTo("0644");
        Map<String, Object> token = files.stream().filter(f -> String.valueOf(f.get("content")).contains(TOKEN)).findFirst().orElseThrow();
        String tokenPath = (String) token.get("path");
        assertThat(token.get("permissions")).isEqualTo("0600");
        assertThat(token.get("owner")).isEqualTo("root:root");
        assertThat(tokenPath).as("in a directory only root can enter, so the moment before chmod exposes nothing").startsWith("/root/");
        assertThat(text.split(java.util.regex.Pattern.quote(TOKEN), -1)).as("the token is written once, in that file").hasSize(2);

        String runcmd = String.join("\n", list(doc.get("runcmd")).stream().map(String::valueOf).toList());
        assertThat(runcmd).contains("--token-file " + tokenPath).contains("--server 'config.example.com:8443'")
                .contains("--ca-pin '" + PIN + "'").contains("--agent-id '" + UUID + "'").contains("--jar ")
                .contains("https://downloads.example.com/aami/0.1.0/install-agent.sh")
                .contains("https://downloads.example.com/aami/0.1.0/aami-agent.jar")
                .contains("rm -f " + tokenPath).doesNotContain("--token ");
    }

    @Test
    void theInstallStepsAreValidShell() throws Exception {
        Map<String, Object> doc = new Yaml().load(rendered().text());
        Path script = Files.writeString(dir.resolve("runcmd.sh"),
                String.join("\n", list(doc.get("runcmd")).stream().map(String::valueOf).toList()));
        Process p = new ProcessBuilder("/bin/sh", "-n", script.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(said).isZero();
    }

    @Test
    void theRendererReadsTemplatesAsTerraformDoes() {
        assertThat(TerraformTemplate.render("a $${b} %%{c} ${ d } $e", Map.of("d", "D")).text()).isEqualTo("a ${b} %{c} D $e");
        assertThatThrownBy(() -> TerraformTemplate.render("${upper(d)}", Map.of("d", "D"))).hasMessageContaining("unsupported");
        assertThatThrownBy(() -> TerraformTemplate.render("%{ if x }y%{ endif }", Map.of())).hasMessageContaining("directives");
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<T>) o;
    }

    private static Map<String, Object> file(List<Map<String, Object>> files, String path) {
        return files.stream().filter(f -> path.equals(f.get("path"))).findFirst()
                .orElseThrow(() -> new AssertionError("no write_files entry for " + path));
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
