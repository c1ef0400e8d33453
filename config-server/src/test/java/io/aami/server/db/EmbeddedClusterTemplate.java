package io.aami.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: gives a server's data directory, before the server first starts, the embedded PostgreSQL
 * files that start would make (unpacked binaries, the cluster's secrets, an initdb'd cluster), so a test
 * does not pay for unpacking 15 MB of xz and an initdb (seconds each on a loaded machine) per server.
 *
 * <p>The template is made once per checkout (see {@link #buildDir}) by the product's
 * own code ({@link PostgresBinaries#install}, {@link EmbeddedClusterSecrets}, {@link ClusterSetup#prepare},
 * which runs initdb) and never started; {@code cp -a} of a never-started cluster is what a new initdb
 * makes. The server then finds a cluster and goes on as at any later start: {@code pg_hba.conf},
 * stale postmaster, app role, Flyway. The binaries are a link to the template's unpacked copy, named as
 * the server computes it. Tests of the first start itself (unpacking, initdb, permissions:
 * {@code EmbeddedPostgresPrivacyTest}, {@code EmbeddedPostgresLifecycleTest}) do not seed.
 */
public final class EmbeddedClusterTemplate {
    private static final Object LOCK = new Object();

    private EmbeddedClusterTemplate() {
    }

    /** Seeds {@code dataDir} (the server's {@code data_dir}) for a server started in this JVM. */
    public static void seed(Path dataDir) {
        seedWith(dataDir, binaries(null));
    }

    /** Seeds {@code dataDir} for a server run as a child process from {@code serverJar} (its shaded jar). */
    public static void seed(Path dataDir, Path serverJar) {
        seedWith(dataDir, binaries(serverJar));
    }

    private static void seedWith(Path dataDir, Path binariesHome) {
        Path template = template();
        try {
            Path binaries = Files.createDirectories(dataDir.resolve("postgres-binaries"));
            if (Files.exists(dataDir.resolve("postgres")) || Files.exists(dataDir.resolve("postgres-secrets"))) {
                throw new IllegalStateException(dataDir + " already holds an embedded database; seed only a new data dir");
            }
            copy(template.resolve("postgres-secrets"), dataDir);
            copy(template.resolve("postgres"), dataDir);
            Path home = binaries.resolve(binariesHome.getFileName());
            if (!Files.exists(home)) {
                Files.createSymbolicLink(home, binariesHome);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seed " + dataDir + " from " + template + ": " + e.getMessage(), e);
        }
    }

    /**
     * The template dir, made by the first test JVM that needs it (another one racing it discards its own); named
     * after this JVM's unpacked binaries, so other PostgreSQL binaries get a cluster of their own version.
     */
    private static Path template() {
        Path target = buildDir();
        Path home = binaries(null);
        Path template = target.resolve("template-" + home.getFileName());
        synchronized (LOCK) {
            if (Files.isDirectory(template.resolve("postgres"))) {
                return template;
            }
            try {
                Files.createDirectories(target);
                Path staging = Files.createTempDirectory(target, "staging-");
                EmbeddedClusterSecrets secrets = EmbeddedClusterSecrets.loadOrCreate(staging.resolve("postgres-secrets"), new SecureRandom());
                Path cluster = staging.resolve("postgres");
                new ClusterSetup(new Postmaster(home, cluster), cluster, secrets).prepare();
                try {
                    Files.move(staging, template, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileSystemException anotherForkWasFirst) {
                    delete(staging);
                }
                return template;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the embedded PostgreSQL template in " + template + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The unpacked binaries as a server from {@code serverJar} (null: this JVM's class path) names them. Each
     * rebuilt server jar has a new name; copies for earlier builds, unused for a day, are removed.
     */
    private static Path binaries(Path serverJar) {
        Path dir = buildDir().resolve("binaries");
        synchronized (LOCK) {
            for (int attempt = 0; ; attempt++) {
                try {
                    if (serverJar == null) {
                        return PostgresBinaries.install(dir);
                    }
                    Path home = PostgresBinaries.install(dir, archiveIn(serverJar));
                    pruneOlderThanADay(dir, List.of(home, PostgresBinaries.install(dir)));
                    return home;
                } catch (UncheckedIOException anotherForkIsUnpackingTheSame) {
                    if (attempt == 2) {
                        throw anotherForkIsUnpackingTheSame;
                    }
                }
            }
        }
    }

    /**
     * {@code <tmp>/aami-pg-template-<user>-<checkout's hash>}, private to this user, one per checkout: outside the
     * checkout, because {@code run-local.sh} rebuilds the jars when it finds a {@code *.sql} file newer than them
     * in the tree, and the unpacked binaries hold some. A directory there that is not this user's own, mode 0700,
     * is refused: a local user could have planted binaries in it.
     */
    private static Path buildDir() {
        try {
            Path checkout = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize().getParent();
            String user = System.getProperty("user.name");
            String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(checkout.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "aami-pg-template-" + user + "-" + id);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException exists) {
                // made by an earlier test JVM of this checkout; checked below
            }
            PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isDirectory() || !attrs.owner().getName().equals(user)
                    || !PosixFilePermissions.toString(attrs.permissions()).equals("rwx------")) {
                throw new IOException(dir + " is not a directory of " + user + "'s own with mode 0700");
            }
            return dir;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("no private directory for the embedded PostgreSQL template: " + e.getMessage(), e);
        }
    }

    private static URL archiveIn(Path serverJar) {
        try {
            // Spelled as the class loader of `java -jar <absolute path>` spells it (file:/…, not file:///…),
            // since the server names its binaries directory after this URL.
            return new URL("jar:file:" + serverJar.toAbsolutePath().normalize() + "!/" + PostgresBinaries.archiveName());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void pruneOlderThanADay(Path dir, List<Path> keep) {
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                Path complete = p.resolve(".complete");
                if (!keep.contains(p) && Files.exists(complete) && Files.getLastModifiedTime(complete).toMillis() < dayAgo) {
                    delete(p);
                }
            }
        } catch (IOException e) {
            // only disk space is at stake
        }
    }

    private static void copy(Path from, Path intoDir) throws IOException {
        run(List.of("cp", "-a", from.toString(), intoDir.toString()));
    }

    private static void delete(Path dir) throws IOException {
        run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + cmd, e);
        }
    }
}
