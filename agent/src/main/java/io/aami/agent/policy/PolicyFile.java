package io.aami.agent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.util.DurableFile;
import io.aami.contract.policy.PolicyBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last accepted policy bundle in {@code <state_dir>/policy.json} (0600), so an agent that
 * restarts while the server is away keeps running what it was told: offline first. Beside it,
 * {@code policy.floor} holds the highest version ever accepted (the rollback floor), so an older
 * signed bundle put back on disk is refused after a restart too. Both are written durably, the
 * bundle first: a crash between the two leaves a floor at or below the stored bundle, never above.
 */
public final class PolicyFile {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFile.class);

    private final Path file;
    private final Path floorFile;
    private final ObjectMapper mapper;

    public PolicyFile(Path file, ObjectMapper mapper) {
        this.file = file;
        this.floorFile = file.resolveSibling("policy.floor");
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

    /** The highest version ever accepted, -1 if none is recorded. */
    public long floor() {
        if (!Files.exists(floorFile)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(floorFile, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            // Only root can write here; an unreadable floor is damage, not an attack worth stopping for.
            LOG.warn("rollback floor {} is unreadable ({}); the stored bundle's own version is the floor", floorFile, e.getMessage());
            return -1;
        }
    }

    public void save(PolicyBundle bundle) {
        try {
            DurableFile.write(file, mapper.writeValueAsBytes(bundle));
            if (bundle.version() > floor()) {
                DurableFile.write(floorFile, Long.toString(bundle.version()).getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            // Running the new policy matters more than remembering it; the next change is saved again.
            LOG.warn("cannot store the policy in {}: {}", file, e.getMessage());
        }
    }
}
