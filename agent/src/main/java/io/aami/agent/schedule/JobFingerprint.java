package io.aami.agent.schedule;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * What "unchanged" means across a restart: a digest of everything {@link JobDefinition#equals}
 * compares (interval, phase seed, spec), so a job the running scheduler would keep is one a restarted
 * scheduler resumes, and one it would restart is one that runs early again. The spec enters as its
 * canonical bytes, which must be equal exactly when the specs are equal and must not depend on the
 * agent's build (the policy's signed canonical form: an upgrade must not make every job look new).
 */
final class JobFingerprint {
    /** 128 bits: no two definitions of one key collide by chance, and the history file stays small. */
    static final int HEX_CHARS = 32;
    private static final byte[] DOMAIN = "aami.schedule.job.v1\n".getBytes(StandardCharsets.US_ASCII);

    private JobFingerprint() {
    }

    static <S> String of(JobDefinition<S> definition, Function<? super S, byte[]> canonicalSpec) {
        MessageDigest sha = sha256();
        sha.update(DOMAIN);
        byte[] seed = definition.phaseSeed().getBytes(StandardCharsets.UTF_8);
        // Lengths first, so no two (seed, spec) pairs run together into the same bytes.
        byte[] spec = canonicalSpec.apply(definition.spec());
        sha.update(ByteBuffer.allocate(3 * Long.BYTES)
                .putLong(definition.interval().toMillis()).putLong(seed.length).putLong(spec.length).array());
        sha.update(seed);
        sha.update(spec);
        return HexFormat.of().formatHex(sha.digest(), 0, HEX_CHARS / 2);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
