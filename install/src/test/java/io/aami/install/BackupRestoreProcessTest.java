package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.EmbeddedClusterTemplate;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Backup and restore" steps, run from the README itself ({@link ReadmeSnippets}) on a
 * real server with an enrolled agent: back up, wipe everything, restore, and the server comes back
 * with the same CA pin, admin token, targets and bootstrap-token uses, and the agent's certificate
 * (it has no bootstrap token any more, so it cannot enroll again) is accepted at once. Once with the
 * embedded PostgreSQL (a cold copy of the data directory) and once with an external PostgreSQL
 * ({@code pg_dump}/{@code pg_restore} plus the keys, {@link BackupRestoreExternalProcessTest}: a class of its own so
 * that the two, each over a minute of processes, run in two test JVMs at once).
 */
class BackupRestoreProcessTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDatabaseColdCopyRestoresTheServerAsItWas() throws Exception {
        ExternalPostgres.openForOthers(dir);
        BackupRestoreDir b = new BackupRestoreDir(dir);
        Map<String, String> shell = b.shellEnv();
        Map<String, String> serverEnv = b.serverEnv(Map.of());
        // The first start's unpacking and initdb are another test's subject; the restored server unpacks afresh below.
        EmbeddedClusterTemplate.seed(dir.resolve("data"), JavaProcess.jar("aami.server.jar"));
        try (BackupFleet before = BackupFleet.start(dir, serverEnv, "before")) {
            before.stop();
            Processes.bash(ReadmeSnippets.block("# back up: embedded database"), shell, dir);
            try (BackupFleet after = before.startAgain("after-backup")) {
                after.changePolicyAndAwait("added-after-backup");
                after.stop();
            }
            b.wipe();
            Processes.bash(ReadmeSnippets.block("# restore: embedded database"), shell, dir);

            assertThat(dir.resolve("backup/aami-data.tgz")).isRegularFile();
            assertThat(Processes.run(List.of("tar", "-tzf", dir.resolve("backup/aami-data.tgz").toString()), Map.of(), dir))
                    .as("the binaries are unpacked afresh, not backed up").doesNotContain("postgres-binaries");
            before.restartAndCompare(serverEnv, () -> Processes.bash(ReadmeSnippets.block("# connect to the embedded database")
                    + ReadmeSnippets.block("# after a restore: policy versions move past every one agents accepted since the backup"),
                    shell, dir));
        }
    }

}
