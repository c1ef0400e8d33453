package io.aami.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.net.HostPort.Option;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "config.example.com:8443 | config.example.com | 8443",
            "127.0.0.1:1             | 127.0.0.1          | 1",
            "0.0.0.0:65535           | 0.0.0.0            | 65535",
            "[::1]:9443              | ::1                | 9443",
            "[::]:8443               | ::                 | 8443",
            "[fe80::1%eth0]:80       | fe80::1%eth0       | 80",
            "[127.0.0.1]:80          | 127.0.0.1          | 80",
            "'  host:80  '           | host               | 80",
            "host:0080               | host               | 80",
            "host:000080             | host               | 80",
            "host:00000000000000000000443 | host          | 443"})
    void accepts(String value, String host, int port) {
        assertThat(HostPort.parse(value)).isEqualTo(new HostPort(host, port));
        assertThat(HostPort.parse(value, Option.PORT_ZERO)).isEqualTo(new HostPort(host, port));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "no-port           | 'no-port' is not host:port",
            "''                | '' is not host:port",
            ":8443             | ':8443' is not host:port (the host is empty",
            "[]:8443           | '[]:8443' is not host:port (the host is empty",
            "[::1              | '[::1' is not host:port",
            "[::1]             | '[::1]' is not host:port",
            "[::1]8443         | '[::1]8443' is not host:port",
            "::1:8443          | '::1:8443' is not host:port (write an IPv6 address in brackets",
            "2001:db8::1       | '2001:db8::1' is not host:port (write an IPv6 address in brackets",
            "host:             | 'host:' does not end in a port number",
            "host:http         | 'host:http' does not end in a port number",
            "host:+80          | 'host:+80' does not end in a port number",
            "host:-1           | 'host:-1' does not end in a port number",
            "host:8 0          | 'host:8 0' does not end in a port number",
            "host:٨٠           | 'host:٨٠' does not end in a port number",
            "host:65536        | port 65536 is outside 1..65535",
            "host:99999999999  | port 99999999999 is outside 1..65535",
            "host:000065536    | port 000065536 is outside 1..65535",
            "host:0            | port 0 is outside 1..65535"})
    void refuses(String value, String message) {
        assertThatThrownBy(() -> HostPort.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "{0} with PORT_ZERO -> {1}")
    @CsvSource(delimiter = '|', value = {
            "host:65536        | port 65536 is outside 0..65535",
            ":0                | ':0' is not host:port (the host is empty",
            "host:             | 'host:' does not end in a port number"})
    void portZeroOnlyWidensTheRange(String value, String message) {
        assertThat(HostPort.parse("127.0.0.1:0", Option.PORT_ZERO)).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThatThrownBy(() -> HostPort.parse(value, Option.PORT_ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource(delimiter = '|', value = {
            "host:80      | host:80",
            "[::1]:80     | [::1]:80",
            "' [::]:0 '   | [::]:0"})
    void printsWhatItParses(String value, String printed) {
        assertThat(HostPort.parse(value, Option.PORT_ZERO)).hasToString(printed);
        assertThat(HostPort.parse(printed, Option.PORT_ZERO)).isEqualTo(HostPort.parse(value, Option.PORT_ZERO));
    }
}
