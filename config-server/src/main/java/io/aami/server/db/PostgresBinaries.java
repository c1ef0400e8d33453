package io.aami.server.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Unpacks the PostgreSQL binaries packaged by zonky into {@code <data dir>/postgres-binaries/<digest>}.
 * Not zonky's own extraction: that one shares a world-writable directory under {@code /tmp} whose
 * path anyone can predict, so any local user could plant a {@code postgres} the server would run.
 */
final class PostgresBinaries {
    private PostgresBinaries() {
    }

    /**
     * Returns the installation directory (with {@code bin/}), unpacking it on first use. The directory
     * is named after the archive's location, size and date, so a server upgrade with other binaries
     * unpacks afresh, while a plain restart does not read the 15 MB archive at all.
     */
    static Path install(Path binariesDir) {
        try {
            return install(binariesDir, resource());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded PostgreSQL binaries: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #install(Path)} for the archive at {@code resource}. Package-private for the tests' cluster
     * template, which unpacks once per build the archive a server jar run as a child process will look for.
     */
    static Path install(Path binariesDir, URL resource) {
        try {
            URLConnection conn = resource.openConnection();
            String identity = resource + "|" + conn.getContentLengthLong() + "|" + conn.getLastModified();
            Path home = binariesDir.resolve(HexFormat.of().formatHex(sha256(identity.getBytes(StandardCharsets.UTF_8))).substring(0, 16));
            if (Files.exists(home.resolve(".complete"))) {
                return home;
            }
            PrivateDirs.create(binariesDir);
            Path staging = Files.createTempDirectory(binariesDir, "unpacking-");
            try (InputStream in = conn.getInputStream()) {
                unpack(in, staging);
            }
            Files.createFile(staging.resolve(".complete"));
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded PostgreSQL binaries: " + e.getMessage(), e);
        }
    }

    /** The packaged archive's name for this OS and architecture, at the root of the class path. */
    static String archiveName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "darwin" : "linux";
        String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "arm_64" : "x86_64";
        return "postgres-" + os + "-" + arch + ".txz";
    }

    private static URL resource() throws IOException {
        String name = archiveName();
        URL url = PostgresBinaries.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("no packaged PostgreSQL for this OS and architecture (" + name + " not on the class path)");
        }
        return url;
    }

    private static void unpack(InputStream archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry outside the target: " + e.getName());
                }
                Files.createDirectories(e.isDirectory() ? out : out.getParent());
                if (e.isSymbolicLink()) {
                    Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                } else if (e.isFile()) {
                    Files.copy(tar, out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString((e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
