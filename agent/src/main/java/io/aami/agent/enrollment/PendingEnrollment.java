package io.aami.agent.enrollment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.pki.AgentKey;
import io.aami.agent.util.DurableFile;
import io.aami.common.pki.PkiException;
import io.aami.contract.registration.AgentTokenFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key and {@code agent_token} of an enrollment under way, in {@code <state_dir>/enrollment.json}
 * (0600, written durably) <em>before</em> the request leaves: the agent chooses its token and sends only
 * its SHA-256, so when the answer is lost (a timeout, a crash or restart in between) the retry presents
 * the identical key and hash and the server can recognise it (see the README, "Lost registration
 * answer"). The file goes once the answer is stored; a leftover one whose token is already the stored
 * credential's is stale and replaced.
 */
public final class PendingEnrollment {
    private static final Logger LOG = LoggerFactory.getLogger(PendingEnrollment.class);

    /** What the next registration request of {@code agentId} uses; {@code key} is null without TLS. */
    public record Material(UUID agentId, String agentToken, AgentKey key) {
        public String agentTokenSha256() {
            return sha256Hex(agentToken);
        }

        @Override
        public String toString() {
            return "PendingEnrollment.Material[agentId=" + agentId + "]";
        }
    }

    /** The file's form. */
    record Stored(UUID agentId, String agentToken, String privateKey) {
    }

    private final Path file;
    private final ObjectMapper mapper;
    private final SecureRandom random;

    public PendingEnrollment(Path file, ObjectMapper mapper, SecureRandom random) {
        this.file = file;
        this.mapper = mapper;
        this.random = random;
    }

    /**
     * The material of the enrollment under way for {@code agentId}, else new material, stored durably
     * before this returns. {@code currentToken}: the token the agent holds now (null if none); material
     * with that very token belongs to an enrollment that completed and is not reused.
     */
    public Material forAttempt(UUID agentId, String currentToken, boolean withKey) {
        Optional<Material> kept = load().filter(m -> m.agentId().equals(agentId) && (m.key() != null) == withKey
                && !m.agentToken().equals(currentToken));
        if (kept.isPresent()) {
            return kept.get();
        }
        Material fresh = new Material(agentId, newToken(), withKey ? AgentKey.generate(random) : null);
        try {
            DurableFile.write(file, mapper.writeValueAsBytes(new Stored(agentId, fresh.agentToken(),
                    fresh.key() == null ? null : fresh.key().pem())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the enrollment key and token in " + file, e);
        }
        return fresh;
    }

    /** The answer is stored: nothing is under way any more. */
    public void completed() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {} ({}); it is replaced at the next enrollment", file, e.getMessage());
        }
    }

    Optional<Material> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Stored s = mapper.readValue(file.toFile(), Stored.class);
            Objects.requireNonNull(s.agentId(), "agent_id");
            if (s.agentToken() == null || !s.agentToken().startsWith(AgentTokenFormat.PREFIX)) {
                throw new IOException("agent_token missing");
            }
            return Optional.of(new Material(s.agentId(), s.agentToken(),
                    s.privateKey() == null ? null : AgentKey.fromPem(s.privateKey(), random)));
        } catch (IOException | PkiException | NullPointerException e) {
            LOG.warn("{} is unreadable ({}); starting the enrollment afresh", file, e.getMessage());
            return Optional.empty();
        }
    }

    private String newToken() {
        StringBuilder out = new StringBuilder(AgentTokenFormat.PREFIX);
        for (int i = 0; i < AgentTokenFormat.RANDOM_CHARACTERS; i++) {
            out.append(AgentTokenFormat.ALPHABET.charAt(random.nextInt(AgentTokenFormat.ALPHABET.length())));
        }
        return out.toString();
    }

    static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
