package io.aami.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.security.Secrets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The enrollment's token pre-check reads a token's row once, not once per enrollment (each read took
 * a pooled connection the fleet's results were queueing for), and never answers from what it kept
 * where the database says otherwise: an unknown id is read every time, a secret that does not match
 * what was kept is read again.
 */
class KnownTokensTest {
    private final Map<String, byte[]> rows = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final KnownTokens known = new KnownTokens(id -> {
        reads.incrementAndGet();
        return Optional.ofNullable(rows.get(id));
    });

    @Test
    void aTokenSeenBeforeIsCheckedWithoutReadingItsRowAgain() {
        rows.put("abc123", Secrets.sha256("s1"));
        for (int i = 0; i < 100; i++) {
            assertThat(known.matches("abc123", "s1")).isTrue();
        }
        assertThat(reads).hasValue(1);
    }

    @Test
    void aWrongSecretIsRefusedAndReadEveryTime() {
        rows.put("abc123", Secrets.sha256("s1"));
        assertThat(known.matches("abc123", "s1")).isTrue();
        assertThat(known.matches("abc123", "wrong")).isFalse();
        assertThat(known.matches("abc123", "wrong")).isFalse();
        assertThat(reads).hasValue(3);
        assertThat(known.matches("abc123", "s1")).isTrue();
        assertThat(reads).hasValue(3);
    }

    @Test
    void anUnknownIdIsNeverKeptSoATokenMadeLaterIsFound() {
        assertThat(known.matches("new001", "s1")).isFalse();
        rows.put("new001", Secrets.sha256("s1"));
        assertThat(known.matches("new001", "s1")).isTrue();
    }

    @Test
    void anIdMadeAgainWithAnotherSecretIsJudgedByTheDatabase() {
        rows.put("abc123", Secrets.sha256("old"));
        assertThat(known.matches("abc123", "old")).isTrue();
        rows.put("abc123", Secrets.sha256("new"));
        assertThat(known.matches("abc123", "new")).isTrue();
        rows.remove("abc123");
        // The kept hash still matches "new"; the transaction's own read refuses a deleted token.
        assertThat(known.matches("abc123", "old")).isFalse();
    }
}
