package io.aami.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The agent.yaml of a plain-HTTP agent whose state lives in one test directory. */
final class LocalAgentConfig {
    private LocalAgentConfig() {
    }

    /** Writes {@code dir/agent.yaml} for a server on 127.0.0.1:{@code port} and returns its path. */
    static Path write(Path dir, int port, String token) throws Exception {
        // As /var/lib is: check scripts run as nobody and must enter it on the way to their files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        return Files.writeString(dir.resolve("agent.yaml"), """
                server:
                  address: "127.0.0.1:%d"
                  bootstrap_token: "%s"
                  tls:
                    enabled: false
                agent:
                  id_file: "%s"
                  state_dir: "%s"
                checks:
                  run_as: nobody
                api:
                  listen: "127.0.0.1:0"
                logging:
                  format: text
                """.formatted(port, token, dir.resolve("agent-id"), dir.resolve("state")));
    }
}
