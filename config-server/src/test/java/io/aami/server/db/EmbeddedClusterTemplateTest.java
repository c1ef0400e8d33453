package io.aami.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tests' seeded data dirs start a server exactly as a second start would: the binaries are not
 * unpacked again (the seed's link is used), no initdb runs, and the cluster is as private as a new one.
 */
class EmbeddedClusterTemplateTest {
    @Test
    void aSeededDataDirStartsWithoutUnpackingOrInitdbAndIsPrivate() throws Exception {
        Path dataDir = Files.createTempDirectory("aami-pg-seeded");
        EmbeddedClusterTemplate.seed(dataDir);
        Path pgVersion = dataDir.resolve("postgres/PG_VERSION");
        long seededAt = Files.getLastModifiedTime(pgVersion).toMillis();
        assertThat(dataDir.resolve("postgres/postmaster.pid")).as("the template was never started").doesNotExist();

        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir.resolve("postgres"))) {
            try (Stream<Path> binaries = Files.list(dataDir.resolve("postgres-binaries"))) {
                List<Path> entries = binaries.toList();
                assertThat(entries).as("the seeded link, nothing unpacked beside it").hasSize(1).allMatch(Files::isSymbolicLink);
            }
            assertThat(Files.getLastModifiedTime(pgVersion).toMillis()).as("no initdb over the seeded cluster").isEqualTo(seededAt);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("postgres"))))
                    .isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("postgres-secrets/app.password"))))
                    .isEqualTo("rw-------");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_user, current_setting('fsync'), current_setting('synchronous_commit'),"
                         + " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("aami");
                assertThat(rs.getString(2)).isEqualTo("on");
                assertThat(rs.getString(3)).isEqualTo("on");
                assertThat(rs.getBoolean(4)).isFalse();
            }
        }
    }
}
