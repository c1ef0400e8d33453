package io.aami.server.checkresults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 (ingest): a result's {@code check_id} is told apart from a check name by a character test
 * instead of a regex per result; it must accept exactly what the regex it replaced accepted.
 */
class CheckRefFormTest {
    private static final Pattern REGEX = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Test
    void acceptsExactlyTheCanonicalHexForm() {
        Random random = new Random(14);
        String alphabet = "0123456789abcdefABCDEFgG-_ zé\u0660";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder ref = new StringBuilder(i % 2 == 0 ? UUID.randomUUID().toString() : UUID.randomUUID().toString().toUpperCase());
            for (int m = random.nextInt(3); m > 0; m--) {
                int at = random.nextInt(ref.length());
                switch (random.nextInt(3)) {
                    case 0 -> ref.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> ref.deleteCharAt(at);
                    default -> ref.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String s = ref.toString();
            assertThat(CheckResultValidator.uuidForm(s)).as(s).isEqualTo(REGEX.matcher(s).matches());
        }
        assertThat(CheckResultValidator.uuidForm("disk-usage")).isFalse();
        assertThat(CheckResultValidator.uuidForm("")).isFalse();
    }
}
