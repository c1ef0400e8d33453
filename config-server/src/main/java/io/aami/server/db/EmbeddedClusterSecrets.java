package io.aami.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded cluster's two passwords, each in a 0600 file under {@code <data dir>/postgres-secrets/}
 * (0700): {@code superuser.password} for the {@code postgres} role (maintenance only, the server
 * uses it to set the cluster up at start) and {@code app.password} for the {@code aami} role the
 * server runs as. Created once with 32 random bytes each; never logged.
 */
public final class EmbeddedClusterSecrets {
    public static final String SUPERUSER = "postgres";
    public static final String APP_ROLE = "aami";
    public static final String APP_DATABASE = "aami";

    private final Path dir;
    private final String superuserPassword;
    private final String appPassword;

    private EmbeddedClusterSecrets(Path dir, String superuserPassword, String appPassword) {
        this.dir = dir;
        this.superuserPassword = superuserPassword;
        this.appPassword = appPassword;
    }

    static EmbeddedClusterSecrets loadOrCreate(Path dir, SecureRandom random) {
        try {
            PrivateDirs.create(dir);
            return new EmbeddedClusterSecrets(dir, readOrCreate(dir.resolve("superuser.password"), random),
                    readOrCreate(dir.resolve("app.password"), random));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded database's passwords in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path superuserPasswordFile() {
        return dir.resolve("superuser.password");
    }

    String superuserPassword() {
        return superuserPassword;
    }

    String appPassword() {
        return appPassword;
    }

    private static String readOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(file + " is not a regular file");
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (value.length() >= 16) {
                return value;
            }
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path tmp = Files.createTempFile(file.getParent(), ".new-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return value;
    }
}
