package io.aami.agent.enrollment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.util.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's credential in {@code <state_dir>/credentials.json}, readable by the agent's user only
 * (0600, in a 0700 directory). Written atomically and durably, so a crash never leaves half a credential.
 */
public final class CredentialStore {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);

    private final Path file;
    private final ObjectMapper mapper;

    public CredentialStore(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
    }

    /** The stored credential, if any. An unreadable file is moved aside (and logged), not trusted. */
    public Optional<AgentCredentials> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            AgentCredentials c = mapper.readValue(file.toFile(), AgentCredentials.class);
            if (c.agentId() == null || c.agentToken() == null || c.agentToken().isBlank()) {
                throw new IOException("agent_id or agent_token missing");
            }
            return Optional.of(c);
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + Instant.now().getEpochSecond());
            LOG.error("credential file {} is unreadable ({}); moved it to {} and will enroll again", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                throw new UncheckedIOException("cannot move aside " + file, moveFailed);
            }
            return Optional.empty();
        }
    }

    public void save(AgentCredentials credentials) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            // Durable (fsync, atomic rename): the pending enrollment file is deleted only after this.
            DurableFile.write(file, mapper.writeValueAsBytes(credentials));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the agent credential in " + file, e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
