package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install/terraform/, the README's example: formatted as terraform fmt wants, and valid with this provider. */
class ExampleIT {
    private static final Path REPO = Path.of(System.getProperty("aami.repo.dir", ".."));

    @TempDir
    Path tmp;

    @Test
    void theExampleIsFormattedAndValid() throws IOException {
        TerraformDir tf = TerraformDir.create(tmp, "http://127.0.0.1:9", "unused");
        Path example = tf.path().resolve("terraform");
        Files.createDirectories(example);
        Files.createDirectories(tf.path().resolve("cloud-init"));
        try (var files = Files.list(REPO.resolve("install/terraform"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".tf")).toList()) {
                Files.copy(f, example.resolve(f.getFileName()));
            }
        }
        Files.copy(REPO.resolve("install/cloud-init/agent.yaml"), tf.path().resolve("cloud-init/agent.yaml"));
        assertThat(tf.run("fmt", "-check", "-diff", "terraform").ok().output()).isEmpty();
        assertThat(tf.sub("terraform").run("validate").ok().output()).contains("The configuration is valid");
    }
}
