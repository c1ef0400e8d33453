package io.aami.server.sd;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.security.Cidr;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The discovery's address rule, case by case: the bound address ({@code local_api.host} as stored), the
 * heartbeat's source, whether other recently heard targets share that source, and what is listed (empty: nothing). {@code sd.allowed_cidrs} is 10.1.0.0/16,
 * 2001:db8::/32 and 127.0.0.2.
 */
class SdAddressTest {
    static final List<Cidr> ALLOWED = List.of(Cidr.parse("10.1.0.0/16"), Cidr.parse("2001:db8::/32"), Cidr.parse("127.0.0.2"));

    @ParameterizedTest(name = "bound {0}, source {1}, shared {2} -> ''{3}''")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // vouched for by the heartbeat's source, when no other target comes from it
            "0.0.0.0                | 192.0.2.10            | false | 192.0.2.10:8469",
            "0:0:0:0:0:0:0:0        | 192.0.2.10            | false | 192.0.2.10:8469",
            "0.0.0.0                | 2001:db9:0:0:0:0:0:1  | false | [2001:db9:0:0:0:0:0:1]:8469",
            "192.0.2.10             | 192.0.2.10            | false | 192.0.2.10:8469",
            // a source several targets share (NAT, a TLS-terminating proxy) vouches for none of them
            "0.0.0.0                | 192.0.2.10            | true  | ''",
            "192.0.2.10             | 192.0.2.10            | true  | ''",
            "0.0.0.0                | 10.1.9.9              | true  | ''",
            // not vouched for, not allowed: an agent naming another host
            "192.0.2.11             | 192.0.2.10            | false | ''",
            "169.254.169.254        | 192.0.2.10            | false | ''",
            "10.2.0.1               | 10.2.0.2              | false | ''",
            "0.0.0.0                | null                  | false | ''",
            "192.0.2.10             | null                  | false | ''",
            // inside sd.allowed_cidrs, when the heartbeat came from inside them too (shared or not)
            "10.1.2.3               | 10.1.9.9              | false | 10.1.2.3:8469",
            "10.1.2.3               | 10.1.9.9              | true  | 10.1.2.3:8469",
            "10.1.2.3               | 2001:db8:0:0:0:0:0:9  | true  | 10.1.2.3:8469",
            "2001:db8:0:0:0:0:0:5   | 10.1.9.9              | false | [2001:db8:0:0:0:0:0:5]:8469",
            "127.0.0.2              | 127.0.0.2             | false | 127.0.0.2:8469",
            // ... never when it came from outside: an agent elsewhere claiming an address in them
            "10.1.2.3               | 192.0.2.10            | false | ''",
            "10.1.2.3               | null                  | false | ''",
            "2001:db8:0:0:0:0:0:5   | 192.0.2.10            | false | ''",
            "127.0.0.2              | 127.0.0.1             | false | ''",
            // loopback: the default never, another only when allowed, never vouched for by a loopback source
            "127.0.0.1              | 127.0.0.1             | false | ''",
            "0:0:0:0:0:0:0:1        | 0:0:0:0:0:0:0:1       | false | ''",
            "0.0.0.0                | 127.0.0.1             | false | ''",
            "0.0.0.0                | 127.0.0.3             | false | ''",
            "127.0.0.3              | 127.0.0.3             | false | ''",
            // names (stored before heartbeats refused them) and non-literals: never, and never looked up
            "localhost              | 127.0.0.1             | false | ''",
            "web-1.example          | 192.0.2.10            | false | ''",
            "10.1.2.3.example       | 10.1.9.9              | false | ''",
            "999.1.1.1              | 192.0.2.10            | false | ''",
            "127.1                  | 127.0.0.1             | false | ''",
            "fe80::1%eth0           | 192.0.2.10            | false | ''"})
    void listsOnlyAddressesTheServerVouchesFor(String bound, String source, boolean shared, String listed) {
        assertThat(SdService.address(bound, 8469, source, shared, ALLOWED)).isEqualTo(listed.isEmpty() ? null : listed);
    }
}
