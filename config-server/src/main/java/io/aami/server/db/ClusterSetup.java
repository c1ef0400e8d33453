package io.aami.server.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the cluster private before its postmaster starts, on a new cluster and on one an older
 * version created (which trusted every local connection and ran the server as {@code postgres}):
 * initdb with SCRAM for a new one, {@code pg_hba.conf} rewritten at every start to password-only
 * lines, and the superuser's password set from its secret file in a single-user backend, so there
 * is never a moment when the cluster accepts a connection without a password.
 */
final class ClusterSetup {
    /** No {@code trust}, no {@code peer}: every connection proves the role's password. */
    static final String PG_HBA = """
            # Written by aami config-server at every start; edits are overwritten.
            # Password (SCRAM) only: the server connects as the non-superuser role "aami";
            # maintenance as "postgres" with the password in <data_dir>/postgres-secrets/superuser.password.
            local   all  all                 scram-sha-256
            host    all  all  127.0.0.1/32   scram-sha-256
            host    all  all  ::1/128        scram-sha-256
            """;

    private final Postmaster postgres;
    private final Path clusterDir;
    private final EmbeddedClusterSecrets secrets;

    ClusterSetup(Postmaster postgres, Path clusterDir, EmbeddedClusterSecrets secrets) {
        this.postgres = postgres;
        this.clusterDir = clusterDir;
        this.secrets = secrets;
    }

    /** Run with no postmaster on the cluster (after {@link StalePostmaster#clear}). */
    void prepare() throws IOException {
        Path marker = clusterDir.resolve("aami-superuser-password.sha256");
        String applied = digest(secrets.superuserPassword());
        if (!Files.exists(clusterDir.resolve("PG_VERSION"))) {
            initdb();
            Files.writeString(marker, applied + "\n", StandardCharsets.UTF_8);
        }
        PrivateDirs.create(clusterDir);
        Path hba = clusterDir.resolve("pg_hba.conf");
        Path tmp = clusterDir.resolve("pg_hba.conf.new");
        Files.writeString(tmp, PG_HBA, StandardCharsets.UTF_8);
        Files.move(tmp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // A cluster from an older version has no password yet; an operator may have put a new one in
        // the file. The marker (a hash of the password last applied) saves a single-user run otherwise.
        if (!Files.exists(marker) || !Files.readString(marker, StandardCharsets.UTF_8).strip().equals(applied)) {
            postgres.singleUser("postgres", "ALTER ROLE " + EmbeddedClusterSecrets.SUPERUSER + " WITH PASSWORD '"
                    + secrets.superuserPassword() + "'");
            Files.writeString(marker, applied + "\n", StandardCharsets.UTF_8);
        }
    }

    private static String digest(String password) {
        try {
            byte[] salt = "aami-superuser-marker".getBytes(StandardCharsets.UTF_8);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return HexFormat.of().formatHex(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void initdb() throws IOException {
        if (Files.isDirectory(clusterDir)) {
            try (var entries = Files.list(clusterDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(clusterDir + " is not empty and holds no PostgreSQL cluster (no PG_VERSION)");
                }
            }
        }
        PrivateDirs.create(clusterDir);
        List<String> cmd = postgres.command("initdb", "-D", clusterDir.toString(), "-U",
                EmbeddedClusterSecrets.SUPERUSER, "-E", "UTF-8", "--auth=scram-sha-256",
                "--pwfile=" + secrets.superuserPasswordFile().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("initdb failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during initdb", e);
        }
    }
}
