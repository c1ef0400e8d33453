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
}
