package io.aami.server.security;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string form ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), with
 * OWASP's parameters (19 MiB, 2 passes, 1 lane): a password is guessable, so unlike our random tokens it
 * needs a slow hash. Verification reads the parameters from the stored string, so they can be raised later
 * without invalidating old hashes, and compares in constant time. {@link #verifyNobody} spends the same work
 * for a name that has no user, so the answer's timing does not tell which names exist. Each hash takes
 * 19 MiB: at most {@link #CONCURRENT} run at once, whatever the number of requests; a request that cannot start
 * within {@link #WAIT} is a 503 {@code SERVER_BUSY} with {@code Retry-After} (no queue without bound). A stored
 * hash asking for more than {@link #MAX_MEMORY_FACTOR} times our memory matches nothing: a row written with an
 * absurd parameter cannot make each login allocate a gigabyte.
 */
public final class PasswordHasher {
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int CONCURRENT = 2;
    static final Duration WAIT = Duration.ofSeconds(2);
    static final int MAX_MEMORY_FACTOR = 4;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random;
    private final int memoryKib;
    private final Semaphore running;
    private final Duration wait;
    private final String dummy;

    public PasswordHasher(SecureRandom random) {
        this(random, MEMORY_KIB, new Semaphore(CONCURRENT, true), WAIT);
    }

    /** With its own memory (KiB), permits and wait: small ones, for tests. */
    public static PasswordHasher forTests(int memoryKib, Semaphore running, Duration wait) {
        return new PasswordHasher(new SecureRandom(), memoryKib, running, wait);
    }

    /** With its own memory (KiB), {@code concurrent} permits and wait: small ones, for tests. */
    public static PasswordHasher forTests(int memoryKib, int concurrent, Duration wait) {
        return forTests(memoryKib, new Semaphore(concurrent, true), wait);
    }

    private PasswordHasher(SecureRandom random, int memoryKib, Semaphore running, Duration wait) {
        this.random = random;
        this.memoryKib = memoryKib;
        this.running = running;
        this.wait = wait;
        this.dummy = hash(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
    }

    /** A new salted hash of {@code password}, in PHC form. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, memoryKib, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code stored}; a malformed stored hash matches nothing. */
    public boolean verify(String stored, String password) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        if (m == null || !m.matches()) {
            verifyNobody(password);
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        if (memory < 8 * parallelism || memory > MAX_MEMORY_FACTOR * memoryKib || iterations < 1 || parallelism < 1) {
            verifyNobody(password);
            return false;
        }
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, B64D.decode(m.group(4)), memory, iterations, parallelism, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** The work of a verification against a hash no password matches: for a name that has no user. */
    public void verifyNobody(String password) {
        Matcher m = PHC.matcher(dummy);
        if (m.matches()) {
            derive(password == null ? "" : password, B64D.decode(m.group(4)), memoryKib, ITERATIONS, PARALLELISM, HASH_BYTES);
        }
    }

    private byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        // NFKC: the same password typed on another keyboard or OS (composed or decomposed accents) matches.
        byte[] secret = Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).build());
        byte[] out = new byte[length];
        acquire();
        try {
            gen.generateBytes(secret, out);
        } finally {
            running.release();
            java.util.Arrays.fill(secret, (byte) 0);
        }
        return out;
    }

    private void acquire() {
        boolean got;
        try {
            got = running.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw ApiException.retryLater(ErrorCode.SERVER_BUSY, "too many passwords being checked at once; retry later", Duration.ofSeconds(1));
        }
    }
}
