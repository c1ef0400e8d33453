package io.aami.agent.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The agent-side UUID of the seed ({@code /etc/aami/agent-id}), written by the installer, cloud-init
 * or the agent itself on first start. A file that exists but does not hold a UUID is an error:
 * silently replacing it would give the host a second identity.
 */
public final class AgentIdFile {
    private AgentIdFile() {
    }

    /** The id in {@code file}; a new one, written atomically (mode 0644), when the file is missing. */
    public static UUID readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return parse(file, Files.readString(file, StandardCharsets.UTF_8));
            }
            UUID id = UUID.randomUUID();
            write(file, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the agent id file " + file + ": " + e.getMessage(), e);
        }
    }

    static UUID parse(Path file, String content) {
        String trimmed = content.trim();
        try {
            if (trimmed.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("agent id file " + file + " does not hold a UUID (found '"
                    + (trimmed.length() > 60 ? trimmed.substring(0, 60) + "..." : trimmed)
                    + "'); fix or remove it deliberately, it is the host's identity");
        }
    }

    private static void write(Path file, UUID id) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".agent-id", ".tmp");
        try {
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
