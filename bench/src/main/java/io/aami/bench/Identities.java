package io.aami.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code --identities FILE}: the agents a run enrolled (id, agent token, and with TLS their key and
 * certificate), with the server they belong to (its CA's SHA-256, or "-" without TLS) and the run's
 * group and check, so a later run against the same server starts them without enrolling them again.
 * The file holds credentials: it is written 0600 (a temporary file made with those permissions, then
 * moved into place) and refused when it is a link or readable by others.
 */
final class Identities {
    /** What the file holds. */
    record Saved(@JsonProperty("version") int version, @JsonProperty("server") String server,
                 @JsonProperty("group") UUID group, @JsonProperty("check") UUID check,
                 @JsonProperty("agents") List<Agent> agents) {
    }

    /** One agent; {@code key} (PKCS#8) and {@code certificate} (DER) base64, null without TLS. */
    record Agent(@JsonProperty("id") UUID id, @JsonProperty("agent_token") String agentToken,
                 @JsonProperty("key") String key, @JsonProperty("certificate") String certificate) {
    }

    private static final int VERSION = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final ObjectMapper mapper;

    Identities(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
    }

    /** The saved identities, or null when there is no file yet. */
    Saved load() throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("--identities " + file + " is not a regular file (a link?); refusing to read credentials from it");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException("--identities " + file + " is " + PosixFilePermissions.toString(perms)
                    + ": it holds agents' keys and tokens, make it 0600 (chmod 600)");
        }
        Saved s = mapper.readValue(file.toFile(), Saved.class);
        if (s.version() != VERSION) {
            throw new IOException("--identities " + file + " has version " + s.version() + ", not " + VERSION);
        }
        return s;
    }

    /** Replaces the file with {@code agents}, atomically. */
    void save(String server, UUID group, UUID check, List<Enrollment.Enrolled> agents) throws IOException {
        List<Agent> out = encode(agents);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".identities", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            mapper.writeValue(tmp.toFile(), new Saved(VERSION, server, group, check, out));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Enrolled agents as the file holds them (a simulator child hands its agents to the parent the same way). */
    static List<Agent> encode(List<Enrollment.Enrolled> agents) throws IOException {
        List<Agent> out = new ArrayList<>(agents.size());
        Base64.Encoder b64 = Base64.getEncoder();
        for (Enrollment.Enrolled e : agents) {
            try {
                out.add(new Agent(e.id(), e.agentToken(), e.key() == null ? null : b64.encodeToString(e.key().getPrivate().getEncoded()),
                        e.certificate() == null ? null : b64.encodeToString(e.certificate().getEncoded())));
            } catch (java.security.cert.CertificateEncodingException ex) {
                throw new IOException("cannot encode the certificate of " + e.id(), ex);
            }
        }
        return out;
    }

    /** The agents of {@code saved} as enrolled agents. */
    static List<Enrollment.Enrolled> agents(Saved saved) throws IOException {
        return decode(saved.agents());
    }

    /** The reverse of {@link #encode}. */
    static List<Enrollment.Enrolled> decode(List<Agent> agents) throws IOException {
        List<Enrollment.Enrolled> out = new ArrayList<>(agents.size());
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (Agent a : agents) {
                if (a.key() == null || a.certificate() == null) {
                    out.add(new Enrollment.Enrolled(a.id(), a.agentToken(), null, null));
                    continue;
                }
                PrivateKey key = ec.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(a.key())));
                X509Certificate cert = (X509Certificate) x509.generateCertificate(
                        new java.io.ByteArrayInputStream(b64.decode(a.certificate())));
                out.add(new Enrollment.Enrolled(a.id(), a.agentToken(), new KeyPair(cert.getPublicKey(), key), cert));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("unreadable identity in --identities: " + e.getMessage(), e);
        }
        return out;
    }
}
