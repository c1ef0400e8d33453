package io.aami.server.db;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    /** Returns the installation directory (with {@code bin/}), unpacking it on first use. */
    static Path install(Path binariesDir) {
        try {
            byte[] archive = archive();
            Path home = binariesDir.resolve(HexFormat.of().formatHex(sha256(archive)).substring(0, 16));
            if (Files.exists(home.resolve(".complete"))) {
                return home;
            }
            PrivateDirs.create(binariesDir);
            Path staging = Files.createTempDirectory(binariesDir, "unpacking-");
            unpack(archive, staging);
            Files.createFile(staging.resolve(".complete"));
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded PostgreSQL binaries: " + e.getMessage(), e);
        }
    }

    private static byte[] archive() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "darwin" : "linux";
        String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "arm_64" : "x86_64";
        String name = "postgres-" + os + "-" + arch + ".txz";
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no packaged PostgreSQL for " + os + "/" + arch + " (" + name + " not on the class path)");
            }
            return in.readAllBytes();
        }
    }

    private static void unpack(byte[] archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
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
