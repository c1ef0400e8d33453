package io.aami.install;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Backup and restore" steps with an external PostgreSQL ({@code pg_dump}/{@code pg_restore}
 * plus the keys), run from the README itself on a real server with an enrolled agent: as
 * {@link BackupRestoreProcessTest} does for the embedded database, in a class of its own so that the two run
 * in two test JVMs at once.
 */
class BackupRestoreExternalProcessTest {
    private static final String PG_SUPERUSER_PASSWORD = "pg-super-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @Test
    void externalDatabaseDumpAndKeysRestoreTheServerAsItWas() throws Exception {
        ExternalPostgres.assumeInstalled();
        ExternalPostgres.openForOthers(dir);
        try (ExternalPostgres pg = ExternalPostgres.start(dir, PG_SUPERUSER_PASSWORD)) {
            BackupRestoreDir b = new BackupRestoreDir(dir);
            Map<String, String> shell = new HashMap<>(b.shellEnv());
            shell.putAll(pg.clientEnv());
            shell.put("PGPASSFILE", b.pgpass(pg, PG_SUPERUSER_PASSWORD).toString());
            shell.put("AAMI_DATABASE_PASSWORD", BackupRestoreDir.DB_PASSWORD);
            Processes.bash(ReadmeSnippets.block("# create the database and its role (as the PostgreSQL superuser)"), shell, dir);
            Map<String, String> serverEnv = b.serverEnv(Map.of(
                    "AAMI_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/aami",
                    "AAMI_DATABASE_USER", "aami", "AAMI_DATABASE_PASSWORD", BackupRestoreDir.DB_PASSWORD));
            try (BackupFleet before = BackupFleet.start(dir, serverEnv, "before")) {
                // pg_dump takes a consistent snapshot while the server runs; only the restore needs it stopped.
                Processes.bash(ReadmeSnippets.block("# back up: external database"), shell, dir);
                before.changePolicyAndAwait("added-after-backup");
                before.stop();
                Processes.bash("psql -U postgres -c 'DROP DATABASE aami'", shell, dir);
                b.wipe();
                Processes.bash(ReadmeSnippets.block("# restore: external database"), shell, dir);

                before.restartAndCompare(serverEnv, () -> Processes.bash(
                        ReadmeSnippets.block("# after a restore: policy versions move past every one agents accepted since the backup"),
                        shell, dir));
            }
        }
    }
}
