package io.aami.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the operator's admin token: the configured one, else the one in {@code <data dir>/admin-token},
 * else a new one written there with mode 0600; and in the same way the read-only monitoring token of
 * Prometheus ({@code monitoring_token}, {@code <data dir>/monitoring-token}). The file's path is logged; a
 * token never is.
 */
public final class AdminToken {
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private AdminToken() {
    }

    public static String resolve(String configured, Path file, Secrets secrets) {
        return resolve("admin token", "aami_admin_", configured, file, secrets);
    }

    /** The monitoring token: service discovery and {@code /metrics}, nothing else. */
    public static String resolveMonitoring(String configured, Path file, Secrets secrets) {
        return resolve("monitoring token", "aami_monitoring_", configured, file, secrets);
    }

    private static String resolve(String what, String prefix, String configured, Path file, Secrets secrets) {
        if (configured != null) {
            return configured;
        }
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (stored.length() < 16) {
                    throw new IllegalStateException(what + " file " + file + " holds no usable token (at least 16 characters)");
                }
                LOG.info("{} read from {}", what, file.toAbsolutePath());
                return stored;
            }
            String token = prefix + secrets.randomString(40);
            writePrivate(file, token + "\n");
            LOG.info("generated a {} and stored it in {} (mode 0600)", what, file.toAbsolutePath());
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the " + what + " file " + file, e);
        }
    }

    /** Writes {@code content} to a new file that only the owner can read, atomically. */
    public static void writePrivate(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
