package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The directory and settings the backup-and-restore tests share: the README snippets' variables and the server's. */
record BackupRestoreDir(Path dir) {
    static final String DB_PASSWORD = "aami-db-" + UUID.randomUUID();

    /** The variables the README's snippets expect (its "set these first" block), pointed at this test. */
    Map<String, String> shellEnv() {
        return Map.of("DATA", dir.resolve("data").toString(), "BACKUP", dir.resolve("backup").toString(),
                "SERVER_USER", System.getProperty("user.name"));
    }

    Map<String, String> serverEnv(Map<String, String> database) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_LISTEN", "127.0.0.1:" + Waits.freePort(),
                "AAMI_DATA_DIR", dir.resolve("data").toString(), "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_SWEEP_INTERVAL", "200ms", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms",
                "AAMI_LOGGING_FORMAT", "text"));
        env.putAll(database);
        return env;
    }

    /** Everything the server had on disk is gone, as on a new machine. */
    void wipe() throws Exception {
        Processes.run(List.of("rm", "-rf", "--one-file-system", dir.resolve("data").toString()), Map.of(), dir);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    Path pgpass(ExternalPostgres pg, String superuserPassword) throws Exception {
        Path file = dir.resolve("pgpass");
        Files.writeString(file, "127.0.0.1:%d:*:aami:%s%n127.0.0.1:%d:*:postgres:%s%n"
                .formatted(pg.port(), DB_PASSWORD, pg.port(), superuserPassword));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
