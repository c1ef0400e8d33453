package io.aami.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class StringsTest {
    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t\n", "\u2003"})
    void blankIsNull(String blank) {
        assertThat(Strings.blankToNull(blank)).isNull();
        assertThat(Strings.trimToNull(blank)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"x|x|x", "' a b '|' a b '|a b", "'\tpw '|'\tpw '|pw"})
    void anythingElseIsKeptOrTrimmed(String value, String kept, String trimmed) {
        assertThat(Strings.blankToNull(value)).isEqualTo(kept);
        assertThat(Strings.trimToNull(value)).isEqualTo(trimmed);
    }
}
