package io.aami.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.security.PasswordHasher;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Argon2id with OWASP's parameters, in PHC form, verified in constant time; malformed hashes match nothing. */
class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void hashesWithArgon2idAndOwaspParametersAndASaltOfItsOwn() {
        String a = hasher.hash("correct horse battery");
        String b = hasher.hash("correct horse battery");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct");
        assertThat(a).isNotEqualTo(b);
        assertThat(hasher.verify(a, "correct horse battery")).isTrue();
        assertThat(hasher.verify(b, "correct horse battery")).isTrue();
        assertThat(hasher.verify(a, "correct horse batterz")).isFalse();
        assertThat(hasher.verify(a, "")).isFalse();
    }

    @Test
    void composedAndDecomposedAccentsAreTheSamePassword() {
        String h = hasher.hash("caf\u00e9 au lait noir");
        assertThat(hasher.verify(h, "cafe\u0301 au lait noir")).isTrue();
    }

    @Test
    void aMalformedOrAbsurdStoredHashMatchesNothing() {
        String h = hasher.hash("correct horse battery");
        assertThat(hasher.verify(null, "correct horse battery")).isFalse();
        assertThat(hasher.verify("plain", "plain")).isFalse();
        assertThat(hasher.verify(h.replace("$argon2id$", "$argon2i$"), "correct horse battery")).isFalse();
        assertThat(hasher.verify(h.replace("m=19456", "m=9999999"), "correct horse battery")).isFalse();
    }

    @Test
    void aStoredHashAskingForFarMoreMemoryThanOursMatchesNothing() {
        PasswordHasher small = PasswordHasher.forTests(64, 2, java.time.Duration.ofSeconds(2));
        String sameMemory = small.hash("correct horse battery");
        String fourTimes = PasswordHasher.forTests(4 * 64, 2, java.time.Duration.ofSeconds(2)).hash("correct horse battery");
        String fiveTimes = PasswordHasher.forTests(5 * 64, 2, java.time.Duration.ofSeconds(2)).hash("correct horse battery");
        assertThat(small.verify(sameMemory, "correct horse battery")).isTrue();
        assertThat(small.verify(fourTimes, "correct horse battery")).as("raised later: still verified").isTrue();
        assertThat(small.verify(fiveTimes, "correct horse battery")).as("beyond the cap").isFalse();
    }

    @Test
    void whenEveryPermitIsTakenAHashIsA503AfterTheWaitNotAQueue() {
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(1);
        PasswordHasher busy = PasswordHasher.forTests(64, permits, java.time.Duration.ofMillis(100));
        permits.acquireUninterruptibly();
        io.aami.server.error.ApiException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> org.junit.jupiter.api.Assertions.assertThrows(io.aami.server.error.ApiException.class,
                        () -> busy.verify(busy.hash("x"), "x")));
        assertThat(e.code().status()).isEqualTo(503);
        assertThat(e.code().name()).isEqualTo("SERVER_BUSY");
        permits.release();
        assertThat(busy.verify(busy.hash("correct horse battery"), "correct horse battery")).isTrue();
    }
}
