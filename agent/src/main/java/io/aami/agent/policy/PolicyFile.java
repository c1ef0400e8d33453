package io.aami.agent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.policy.PolicyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last accepted policy bundle in {@code <state_dir>/policy.json} (0600), so an agent that
 * restarts while the server is away keeps running what it was told: offline first.
 */
public final class PolicyFile {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFile.class);

    private final Path file;
    private final ObjectMapper mapper;

    public PolicyFile(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
    }

    public Optional<PolicyBundle> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), PolicyBundle.class));
        } catch (IOException e) {
            LOG.warn("stored policy {} is unreadable ({}); waiting for the server's", file, e.getMessage());
            return Optional.empty();
        }
    }

    public void save(PolicyBundle bundle) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".policy", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, mapper.writeValueAsBytes(bundle));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            // Running the new policy matters more than remembering it; the next change is saved again.
            LOG.warn("cannot store the policy in {}: {}", file, e.getMessage());
        }
    }
}
