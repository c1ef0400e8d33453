package io.aami.server.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.pki.PrivateFiles;
import io.aami.contract.policy.KeyRotation;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.server.config.ServerConfig;
import io.aami.server.pki.PolicySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation statements the server's policy-signing keys have made, oldest first, in
 * {@code policy-key-rotations.json} beside the signing key (public: each is signed by the key it
 * retires). Served with the current key on {@code GET /api/v1/policy-key}, so an agent that pinned
 * any earlier key, even one that slept through several rotations, can walk to the current one.
 */
public final class PolicyKeyRotations {
    public static final String FILE = "policy-key-rotations.json";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyKeyRotations.class);

    private final Path file;
    private final ObjectMapper mapper;

    public PolicyKeyRotations(Path keyDir, ObjectMapper mapper) {
        this.file = keyDir.resolve(FILE);
        this.mapper = mapper;
    }

    /** Beside {@code policy.signing_key} when set, else in the PKI directory. */
    public static PolicyKeyRotations forConfig(ServerConfig cfg, ObjectMapper mapper) {
        Path key = cfg.policy().signingKey();
        return new PolicyKeyRotations(key != null ? key.toAbsolutePath().getParent() : cfg.pkiDir(), mapper);
    }

    /** The statements made so far; an unreadable file stops the server rather than strand agents silently. */
    public List<KeyRotation> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return List.copyOf(mapper.readValue(file.toFile(), new TypeReference<List<KeyRotation>>() { }));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the policy key rotations in " + file + ": " + e.getMessage(), e);
        }
    }

    public void append(KeyRotation rotation) {
        List<KeyRotation> all = new ArrayList<>(load());
        all.add(rotation);
        try {
            PrivateFiles.writeWorldReadable(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** What {@code GET /api/v1/policy-key} answers for {@code signer}; warns when the chain does not reach it. */
    public PolicyKeyInfo info(PolicySigner signer) {
        List<KeyRotation> all = load();
        if (!all.isEmpty() && !signer.keyId().equals(all.get(all.size() - 1).newKeyId())) {
            LOG.warn("the policy-signing key {} is not the last one rotated to in {}: agents that pinned an earlier key"
                    + " will refuse its bundles (rotate with 'policy rotate-key', never by replacing the key file)", signer.keyId(), file);
        }
        return new PolicyKeyInfo(signer.publicKeyBase64(), signer.keyId(), all);
    }
}
