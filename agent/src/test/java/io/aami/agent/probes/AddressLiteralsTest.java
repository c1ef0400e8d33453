package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hand-written IPv4 parser and the literal / host name split, valid and invalid literals. */
class AddressLiteralsTest {

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1.2.3.4 | 1.2.3.4",
        "0.0.0.0 | 0.0.0.0",
        "255.255.255.255 | 255.255.255.255",
        "127.0.0.1 | 127.0.0.1",
        "[10.0.0.1] | 10.0.0.1",
        // Leading zeros are decimal, never octal (as before the parser was written out): 010 is 10, not 8.
        "010.001.000.009 | 10.1.0.9",
        "00.0.00.000 | 0.0.0.0",
        "::1 | 0:0:0:0:0:0:0:1",
        "[::1] | 0:0:0:0:0:0:0:1",
        "fe80::1%1 | fe80:0:0:0:0:0:0:1%1",
    })
    void literalsParse(String text, String expected) {
        assertThat(AddressLiterals.literalOrNull("target_ip", text).getHostAddress()).isEqualTo(expected);
        assertThat(AddressLiterals.ip("source_ip", text).getHostAddress()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
        "256.1.1.1", "1.2.3.256", "999.999.999.999", "1.2.3", "1.2.3.4.5", "1..3.4", ".1.2.3", "1.2.3.4.", "....",
        "0001.2.3.4", "1.2.3.0004", "1.2.3.4444444444", "9999999999.1.1.1", "1", "'.'", "12345",
    })
    void malformedV4IsRefusedAsV4(String text) {
        assertThatThrownBy(() -> AddressLiterals.literalOrNull("target_ip", text))
                .isInstanceOfSatisfying(InvalidProbeException.class, e -> {
                    assertThat(e.field()).isEqualTo("target_ip");
                    assertThat(e.getMessage()).isEqualTo("target_ip '" + text + "' is not a valid IPv4 address");
                });
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {"''", "' 1.2.3.4'", "'1.2.3.4 '", "'1.2. 3.4'", "'1.2.3.4\n'", "'1.2.3.4\t'",
        "'\u0661.\u0662.\u0663.\u0664'", "'１.２.３.４'", "-1.2.3.4", "+1.2.3.4", "1,2,3,4", "a..b"})
    void whitespaceOtherDigitsAndSignsAreNeither(String text) {
        assertThatThrownBy(() -> AddressLiterals.literalOrNull("target_ip", text))
                .isInstanceOfSatisfying(InvalidProbeException.class, e ->
                        assertThat(e.getMessage()).isEqualTo("target_ip '" + text + "' is neither an IP address nor a host name"));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {"1.2.3.4:80", ":::", "1::2::3", "gg::1", "::1%", "[::1"})
    void malformedV6IsRefusedAsV6(String text) {
        assertThatThrownBy(() -> AddressLiterals.literalOrNull("target_ip", text))
                .isInstanceOf(InvalidProbeException.class).hasMessageContaining("IPv6");
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {"example.com", "localhost", "example.com.", "1.2.3.a", "1e3.0.0.1", "a-b.c_d"})
    void hostNamesAreNotLiterals(String text) {
        assertThat(AddressLiterals.literalOrNull("target_ip", text)).isNull();
        assertThatThrownBy(() -> AddressLiterals.ip("source_ip", text))
                .isInstanceOfSatisfying(InvalidProbeException.class, e -> {
                    assertThat(e.field()).isEqualTo("source_ip");
                    assertThat(e.getMessage()).isEqualTo("source_ip must be an IP address, got '" + text + "'");
                });
    }

    /**
     * The written-out parser against the regular expressions it replaced, on 200,000 random strings over the
     * characters that matter (digits, dots, and a few that must fail): the same address, or the same error.
     */
    @Test
    void agreesWithTheRegularExpressionsItReplaced() {
        Random random = new Random(14);
        String alphabet = "0123456789....12 a:";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(17);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = b.toString();
            if (!OldV4.SHAPE.matcher(text).matches()) {
                continue;
            }
            InetAddress expected = OldV4.parse(text);
            if (expected == null) {
                assertThatThrownBy(() -> AddressLiterals.v4("f", text)).as(text).isInstanceOf(InvalidProbeException.class);
            } else {
                assertThat(AddressLiterals.v4("f", text)).as(text).isEqualTo(expected);
            }
        }
    }

    /** The regular expressions AddressLiterals used before, as the oracle. */
    private static final class OldV4 {
        static final Pattern SHAPE = Pattern.compile("[0-9.]+");
        static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

        static InetAddress parse(String text) {
            var m = V4.matcher(text);
            if (!m.matches()) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(m.group(i + 1));
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            try {
                return InetAddress.getByAddress(bytes);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
    }
}
