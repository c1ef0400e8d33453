package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.EmbeddedClusterTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Backup and restore" steps, run from the README itself ({@link ReadmeSnippets}) on a
 * real server with an enrolled agent: back up, wipe everything, restore, and the server comes back
 * with the same CA pin, admin token, targets and bootstrap-token uses, and the agent's certificate
 * (it has no bootstrap token any more, so it cannot enroll again) is accepted at once. Once with the
 * embedded PostgreSQL (a cold copy of the data directory) and once with an external PostgreSQL
 * ({@code pg_dump}/{@code pg_restore} plus the keys).
 */
class BackupRestoreProcessTest {
    private static final String DB_PASSWORD = "aami-db-" + UUID.randomUUID();
    private static final String PG_SUPERUSER_PASSWORD = "pg-super-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @Test
    void embeddedDatabaseColdCopyRestoresTheServerAsItWas() throws Exception {
        ExternalPostgres.openForOthers(dir);
        Map<String, String> shell = shellEnv();
        Map<String, String> serverEnv = serverEnv(Map.of());
        // The first start's unpacking and initdb are another test's subject; the restored server unpacks afresh below.
        EmbeddedClusterTemplate.seed(dir.resolve("data"), JavaProcess.jar("aami.server.jar"));
        try (BackupFleet before = BackupFleet.start(dir, serverEnv, "before")) {
            before.stop();
            Processes.bash(ReadmeSnippets.block("# back up: embedded database"), shell, dir);
            try (BackupFleet after = before.startAgain("after-backup")) {
                after.changePolicyAndAwait("added-after-backup");
                after.stop();
            }
            wipe();
            Processes.bash(ReadmeSnippets.block("# restore: embedded database"), shell, dir);

            assertThat(dir.resolve("backup/aami-data.tgz")).isRegularFile();
            assertThat(Processes.run(List.of("tar", "-tzf", dir.resolve("backup/aami-data.tgz").toString()), Map.of(), dir))
                    .as("the binaries are unpacked afresh, not backed up").doesNotContain("postgres-binaries");
            before.restartAndCompare(serverEnv, () -> Processes.bash(ReadmeSnippets.block("# connect to the embedded database")
                    + ReadmeSnippets.block("# after a restore: policy versions move past every one agents accepted since the backup"),
                    shell, dir));
        }
    }

    @Test
    void externalDatabaseDumpAndKeysRestoreTheServerAsItWas() throws Exception {
        ExternalPostgres.assumeInstalled();
        ExternalPostgres.openForOthers(dir);
        try (ExternalPostgres pg = ExternalPostgres.start(dir, PG_SUPERUSER_PASSWORD)) {
            Map<String, String> shell = new HashMap<>(shellEnv());
            shell.putAll(pg.clientEnv());
            shell.put("PGPASSFILE", pgpass(pg).toString());
            shell.put("AAMI_DATABASE_PASSWORD", DB_PASSWORD);
            Processes.bash(ReadmeSnippets.block("# create the database and its role (as the PostgreSQL superuser)"), shell, dir);
            Map<String, String> serverEnv = serverEnv(Map.of(
                    "AAMI_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/aami",
                    "AAMI_DATABASE_USER", "aami", "AAMI_DATABASE_PASSWORD", DB_PASSWORD));
            try (BackupFleet before = BackupFleet.start(dir, serverEnv, "before")) {
                // pg_dump takes a consistent snapshot while the server runs; only the restore needs it stopped.
                Processes.bash(ReadmeSnippets.block("# back up: external database"), shell, dir);
                before.changePolicyAndAwait("added-after-backup");
                before.stop();
                Processes.bash("psql -U postgres -c 'DROP DATABASE aami'", shell, dir);
                wipe();
                Processes.bash(ReadmeSnippets.block("# restore: external database"), shell, dir);

                before.restartAndCompare(serverEnv, () -> Processes.bash(
                        ReadmeSnippets.block("# after a restore: policy versions move past every one agents accepted since the backup"),
                        shell, dir));
            }
        }
    }

    /** The variables the README's snippets expect (its "set these first" block), pointed at this test. */
    private Map<String, String> shellEnv() {
        return Map.of("DATA", dir.resolve("data").toString(), "BACKUP", dir.resolve("backup").toString(),
                "SERVER_USER", System.getProperty("user.name"));
    }

    private Map<String, String> serverEnv(Map<String, String> database) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_LISTEN", "127.0.0.1:" + Waits.freePort(),
                "AAMI_DATA_DIR", dir.resolve("data").toString(), "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_SWEEP_INTERVAL", "200ms", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms",
                "AAMI_LOGGING_FORMAT", "text"));
        env.putAll(database);
        return env;
    }

    /** Everything the server had on disk is gone, as on a new machine. */
    private void wipe() throws Exception {
        Processes.run(List.of("rm", "-rf", "--one-file-system", dir.resolve("data").toString()), Map.of(), dir);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private Path pgpass(ExternalPostgres pg) throws Exception {
        Path file = dir.resolve("pgpass");
        Files.writeString(file, "127.0.0.1:%d:*:aami:%s%n127.0.0.1:%d:*:postgres:%s%n"
                .formatted(pg.port(), DB_PASSWORD, pg.port(), PG_SUPERUSER_PASSWORD));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
