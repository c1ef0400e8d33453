package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.ProbeTask;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ValidatedProbesTest {
    private static ProbeTask task(String source, Integer sourcePort, String target, Integer port, String protocol,
                                  Integer timeout, String payload, String expect, Boolean noReplyOk) {
        return new ProbeTask("t", source, sourcePort, target, port, protocol, timeout, payload, expect, noReplyOk);
    }

    @Test
    void absentFieldsTakeTheSeedDefaults() throws Exception {
        ValidatedProbe r = ValidatedProbes.from(task(null, null, "10.0.0.1", 22, null, null, null, null, null));

        assertThat(r.protocol()).isEqualTo(ProbeProtocol.TCP);
        assertThat(r.timeoutMs()).isEqualTo(1_000);
        assertThat(r.sourcePort()).isZero();
        assertThat(r.sourceIp()).isNull();
        assertThat(r.targetAddress()).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(r.needsDns()).isFalse();
        assertThat(r.payload()).isEmpty();
        assertThat(r.expect()).isNull();
    }

    /** The local API's protocol rule across the move to ProbeProtocol: blank is the seed's default TCP (unlike the server's). */
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {"'' | TCP", "' \t' | TCP", "' udp ' | UDP", "Tcp | TCP"})
    void protocolBlankIsTcpAndAnyCaseIsTrimmed(String protocol, ProbeProtocol expected) {
        assertThat(ValidatedProbes.from(task(null, null, "10.0.0.1", 22, protocol, null, null, null, null)).protocol())
                .isEqualTo(expected);
        assertThat(ValidatedProbes.fromQuery(Map.of("target", "10.0.0.1", "target_port", "22", "protocol", protocol)).protocol())
                .isEqualTo(expected);
        assertThatThrownBy(() -> ValidatedProbes.from(task(null, null, "10.0.0.1", 22, " tcp6 ", null, null, null, null)))
                .isInstanceOf(InvalidProbeException.class).hasMessage("protocol must be TCP, UDP, HTTP, HTTPS or ICMP, got ' tcp6 '");
    }

    @Test
    void protocolIsCaseInsensitiveAndHexIsDecoded() {
        ValidatedProbe r = ValidatedProbes.from(task("::1", 5353, "[::1]", 53, "uDp", 500, "0aFF", "ff", true));

        assertThat(r.protocol()).isEqualTo(ProbeProtocol.UDP);
        assertThat(r.targetAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(r.sourcePort()).isEqualTo(5353);
        assertThat(r.payload()).containsExactly(0x0a, 0xff);
        assertThat(r.expect()).containsExactly(0xff);
        assertThat(r.udpNoReplyOk()).isTrue();
    }

    @Test
    void hostNamesAreLeftForTheResolver() {
        ValidatedProbe r = ValidatedProbes.from(task(null, null, " db-1.internal.example. ", 5432, "TCP", null, null, null, null));

        assertThat(r.needsDns()).isTrue();
        assertThat(r.target()).isEqualTo("db-1.internal.example.");
    }

    static Stream<Arguments> invalidTasks() {
        return Stream.of(
                Arguments.of(task(null, null, null, 22, null, null, null, null, null), "target_ip", "required"),
                Arguments.of(task(null, null, " ", 22, null, null, null, null, null), "target_ip", "required"),
                Arguments.of(task(null, null, "10.0.0.1", null, null, null, null, null, null), "target_port", "required"),
                Arguments.of(task(null, null, "10.0.0.1", 0, null, null, null, null, null), "target_port", "got 0"),
                Arguments.of(task(null, null, "10.0.0.1", 65_536, null, null, null, null, null), "target_port", "65536"),
                Arguments.of(task(null, null, "10.0.0.1", 22, "sctp", null, null, null, null), "protocol", "'sctp'"),
                Arguments.of(task(null, null, "10.0.0.1", 22, null, 0, null, null, null), "timeout_ms", "got 0"),
                Arguments.of(task(null, null, "10.0.0.1", 22, null, -5, null, null, null), "timeout_ms", "got -5"),
                Arguments.of(task(null, null, "10.0.0.1", 22, null, 60_001, null, null, null), "timeout_ms", "60001"),
                Arguments.of(task(null, -1, "10.0.0.1", 22, null, null, null, null, null), "source_port", "got -1"),
                Arguments.of(task(null, 65_536, "10.0.0.1", 22, null, null, null, null, null), "source_port", "65536"),
                Arguments.of(task("300.1.1.1", null, "10.0.0.1", 22, null, null, null, null, null), "source_ip", "300.1.1.1"),
                Arguments.of(task("localhost", null, "10.0.0.1", 22, null, null, null, null, null), "source_ip", "IP address"),
                Arguments.of(task("fe80::zz", null, "10.0.0.1", 22, null, null, null, null, null), "source_ip", "IPv6"),
                Arguments.of(task(null, null, "1.2.3", 22, null, null, null, null, null), "target_ip", "IPv4"),
                Arguments.of(task(null, null, "bad host!", 22, null, null, null, null, null), "target_ip", "host name"),
                Arguments.of(task(null, null, "1::2::3", 22, null, null, null, null, null), "target_ip", "IPv6"),
                Arguments.of(task("::1", null, "127.0.0.1", 22, null, null, null, null, null), "source_ip", "families"),
                Arguments.of(task(null, null, "10.0.0.1", 53, "UDP", null, "abc", null, null), "payload", "odd"),
                Arguments.of(task(null, null, "10.0.0.1", 53, "UDP", null, null, "0g", null), "expect", "'0g'"),
                Arguments.of(task(null, null, "10.0.0.1", 22, "TCP", null, "00", null, null), "payload", "UDP"),
                Arguments.of(task(null, null, "10.0.0.1", 22, "TCP", null, null, "00", null), "expect", "UDP"),
                Arguments.of(task(null, null, "10.0.0.1", 22, "TCP", null, null, null, true), "udp_no_reply_ok", "UDP"),
                Arguments.of(new ProbeTask("x".repeat(257), null, null, "10.0.0.1", 22, null, null, null, null, null),
                        "task_id", "256"),
                Arguments.of(null, "task", "null"),
                Arguments.of(ping(null, null, 0, null, null), "icmp.count", "got 0"),
                Arguments.of(ping(null, null, 101, null, null), "icmp.count", "1..100"),
                Arguments.of(ping(null, null, 1_000_000, null, null), "icmp.count", "1..100"),
                Arguments.of(ping(null, null, null, 9, null), "icmp.interval_ms", "got 9"),
                Arguments.of(ping(null, null, 100, 1_000, null), "icmp.interval_ms", "60000"),
                Arguments.of(ping(null, null, 2, 10_000, 50_001), "icmp.interval_ms", "60001"),
                Arguments.of(ping(null, 22, null, null, null), "target_port", "ICMP has no ports"),
                Arguments.of(ping(null, -1, null, null, null), "target_port", "ICMP has no ports"),
                Arguments.of(new ProbeTask(null, null, 33434, "10.0.0.1", null, "ICMP", null, null, null, null, null,
                        new IcmpProbeOptions(1, null)), "source_port", "ICMP has no ports"),
                Arguments.of(new ProbeTask(null, null, null, "255.255.255.255", null, "ICMP", null, null, null, null, null,
                        null), "target_ip", "broadcast"),
                Arguments.of(new ProbeTask(null, null, null, "224.0.0.1", null, "ICMP", null, null, null, null, null,
                        null), "target_ip", "multicast"),
                Arguments.of(ping("10.0.0.300", null, null, null, null), "source_ip", "10.0.0.300"),
                Arguments.of(ping("::1", null, null, null, null), "source_ip", "families"),
                Arguments.of(new ProbeTask(null, null, null, "10.0.0.1", null, "ICMP", null, "00", null, null, null, null),
                        "payload", "UDP"),
                Arguments.of(new ProbeTask(null, null, null, "10.0.0.1", 22, "TCP", null, null, null, null, null,
                        new IcmpProbeOptions(3, null)), "icmp", "ICMP probes only"),
                Arguments.of(new ProbeTask(null, null, null, "10.0.0.1", null, "ICMP", null, null, null, null, null,
                        new IcmpProbeOptions(3, null, Map.of("cnt", 3))), "icmp.cnt", "unknown key"),
                Arguments.of(web("TCP", http(null, null, null, null, null, null, null, null)), "http", "HTTP and HTTPS"),
                Arguments.of(web("HTTP", http("TRACE", null, null, null, null, null, null, null)), "http.method", "GET"),
                Arguments.of(web("HTTP", http(null, "no-slash", null, null, null, null, null, null)), "http.path", "start with /"),
                Arguments.of(web("HTTP", http(null, "/a b", null, null, null, null, null, null)), "http.path", "without spaces"),
                Arguments.of(web("HTTP", http(null, "/" + "a".repeat(2048), null, null, null, null, null, null)), "http.path", "2048"),
                Arguments.of(web("HTTP", http(null, null, List.of("2xx", "600"), null, null, null, null, null)),
                        "http.expected_status[1]", "100-599"),
                Arguments.of(web("HTTP", http(null, null, List.of("300-200"), null, null, null, null, null)),
                        "http.expected_status[0]", "range"),
                Arguments.of(web("HTTP", http(null, null, List.of(), null, null, null, null, null)), "http.expected_status", "1 to 16"),
                Arguments.of(web("HTTP", http(null, null, null, "a(b", null, null, null, null)), "http.body_regex", "regular expression"),
                Arguments.of(web("HTTP", http(null, null, null, "a".repeat(1025), null, null, null, null)), "http.body_regex", "1024"),
                Arguments.of(web("HTTP", http(null, null, null, null, Map.of("X-A", "a\r\nHost: evil"), null, null, null)),
                        "http.headers.X-A", "no CR, LF"),
                Arguments.of(web("HTTP", http(null, null, null, null, Map.of("Host", "other"), null, null, null)),
                        "http.headers.Host", "server_name"),
                Arguments.of(web("HTTP", http(null, null, null, null, Map.of("Transfer-Encoding", "chunked"), null, null, null)),
                        "http.headers.Transfer-Encoding", "probe itself"),
                Arguments.of(web("HTTP", http(null, null, null, null, Map.of("bad name", "x"), null, null, null)),
                        "http.headers", "token"),
                Arguments.of(web("HTTP", http(null, null, null, null, manyHeaders(33), null, null, null)), "http.headers", "32"),
                Arguments.of(web("HTTP", http(null, null, null, null, null, true, 11, null)), "http.max_redirects", "10"),
                Arguments.of(web("HTTP", http(null, null, null, null, null, null, 3, null)), "http.max_redirects",
                        "follow_redirects"),
                Arguments.of(web("HTTP", http(null, null, null, null, null, null, null, "/etc/ca.pem")), "http.ca_file", "HTTPS"),
                Arguments.of(web("HTTPS", http(null, null, null, null, null, null, null, "relative.pem")), "http.ca_file",
                        "absolute"),
                Arguments.of(web("HTTPS", new HttpProbeOptions(null, null, null, null, null, null, null, null, null, "10.0.0.1")),
                        "http.server_name", "host name"),
                Arguments.of(web("HTTP", new HttpProbeOptions("GET", null, null, null, "data", null, null, null, null, null)),
                        "http.body", "POST"),
                Arguments.of(web("HTTP", new HttpProbeOptions(null, null, null, null, null, null, null, null, null, null,
                        Map.of("follow_redirect", true))), "http.follow_redirect", "unknown key"));
    }

    static ProbeTask ping(String source, Integer port, Integer count, Integer intervalMs, Integer timeoutMs) {
        return new ProbeTask(null, source, null, "10.0.0.1", port, "ICMP", timeoutMs, null, null, null, null,
                new IcmpProbeOptions(count, intervalMs));
    }

    @Test
    void icmpOptionsTakeTheirDefaultsAndTravelFromASpecAndTheQuery() {
        ValidatedProbe plain = ValidatedProbes.from(new ProbeTask(null, null, null, "10.0.0.1", null, "icmp", null, null, null,
                null));
        assertThat(plain.protocol()).isEqualTo(ProbeProtocol.ICMP);
        assertThat(plain.icmp()).isEqualTo(new IcmpProbeOptions(1, 1_000));
        assertThat(plain.targetPort()).isZero();
        ProbeSpec spec = new ProbeSpec(UUID.randomUUID(), null, "ping", "10.0.0.2", null, "10.0.0.1", 0, "ICMP", 800, 30, null,
                null, false, Map.of(), null, new IcmpProbeOptions(5, 200));
        ValidatedProbe scheduled = ValidatedProbes.from(ValidatedProbes.toTask(spec, "p"));
        assertThat(scheduled.icmp()).isEqualTo(new IcmpProbeOptions(5, 200));
        assertThat(scheduled.sourceIp().getHostAddress()).isEqualTo("10.0.0.2");
        ValidatedProbe query = ValidatedProbes.fromQuery(Map.of("target", "::1", "protocol", "ICMP", "count", "4",
                "interval_ms", "20"));
        assertThat(query.icmp()).isEqualTo(new IcmpProbeOptions(4, 20));
    }

    static ProbeTask web(String protocol, HttpProbeOptions options) {
        return new ProbeTask(null, null, null, "10.0.0.1", 443, protocol, null, null, null, null, options);
    }

    static HttpProbeOptions http(String method, String path, List<String> expected, String regex, Map<String, String> headers,
                                 Boolean follow, Integer maxRedirects, String caFile) {
        return new HttpProbeOptions(method, path, expected, regex, null, headers, follow, maxRedirects, caFile, null);
    }

    static Map<String, String> manyHeaders(int n) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            out.put("X-H" + i, "v");
        }
        return out;
    }

    @Test
    void httpOptionsTakeTheirDefaultsAndTravelFromASpec() {
        ValidatedProbe plain = ValidatedProbes.from(web("http", null));
        assertThat(plain.protocol()).isEqualTo(ProbeProtocol.HTTP);
        assertThat(plain.http().method()).isEqualTo("GET");
        assertThat(plain.http().path()).isEqualTo("/");
        assertThat(plain.http().expectedStatus()).containsExactly("2xx");
        assertThat(plain.http().followRedirects()).isFalse();
        assertThat(plain.http().maxRedirects()).isNull();
        ValidatedProbe follow = ValidatedProbes.from(web("HTTPS", http("head", "/health?x=1", List.of("200", "3XX", "401-403"),
                null, Map.of("X-Token", " t "), true, null, "/etc/ssl/ca.pem")));
        assertThat(follow.http().method()).isEqualTo("HEAD");
        assertThat(follow.http().expectedStatus()).containsExactly("200", "3xx", "401-403");
        assertThat(follow.http().headers()).containsEntry("X-Token", "t");
        assertThat(follow.http().maxRedirects()).isEqualTo(5);
        ProbeSpec spec = new ProbeSpec(UUID.randomUUID(), null, "web", null, null, "web.example", 443, "HTTPS", 800, 30, null,
                null, false, Map.of(), follow.http());
        assertThat(ValidatedProbes.from(ValidatedProbes.toTask(spec, "w")).http()).isEqualTo(follow.http());
    }

    @ParameterizedTest
    @MethodSource("invalidTasks")
    void invalidTasksNameTheirField(ProbeTask task, String field, String detail) {
        assertThatThrownBy(() -> ValidatedProbes.from(task)).isInstanceOfSatisfying(InvalidProbeException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(field.equals("task") ? "task" : field).contains(detail);
        });
    }

    @Test
    void theSeedsQueryIsValidAndBadNumbersAreNamed() {
        ValidatedProbe r = ValidatedProbes.fromQuery(Map.of("source_ip", "127.0.0.1", "target_ip", "127.0.0.1", "target_port", "22"));

        assertThat(r.protocol()).isEqualTo(ProbeProtocol.TCP);
        assertThat(r.sourceIp().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(ValidatedProbes.fromQuery(Map.of("target", "127.0.0.1", "target_port", "22", "source_ip", "")).sourceIp())
                .isNull();
        assertThatThrownBy(() -> ValidatedProbes.fromQuery(Map.of("target_ip", "127.0.0.1", "target_port", "ssh")))
                .hasMessage("target_port must be an integer, got 'ssh'");
        assertThatThrownBy(() -> ValidatedProbes.fromQuery(Map.of("target_ip", "127.0.0.1", "target_port", "\u0661\u0662")))
                .as("another script's digits are not a port").hasMessage("target_port must be an integer, got '\u0661\u0662'");
        assertThatThrownBy(() -> ValidatedProbes.fromQuery(Map.of("target_ip", "127.0.0.1", "target_port", "22",
                "timeout_ms", "\uFF15\uFF10\uFF10"))).hasMessageContaining("timeout_ms must be an integer");
        assertThatThrownBy(() -> ValidatedProbes.fromQuery(Map.of("target_ip", "127.0.0.1", "target_port", "22",
                "udp_no_reply_ok", "maybe"))).hasMessageContaining("udp_no_reply_ok");
    }

    @Test
    void scheduledSpecBecomesATaskAndAnInvalidOneAResult() {
        ProbeSpec spec = new ProbeSpec(UUID.randomUUID(), null, "dns", "10.0.0.5", null, "10.0.0.53", 53, "udp", 800, 30,
                "00", null, false, Map.of());
        ProbeTask task = ValidatedProbes.toTask(spec, "dns-check");

        assertThat(ValidatedProbes.from(task).protocol()).isEqualTo(ProbeProtocol.UDP);
        ProbeTask broken = new ProbeTask("bad", "10.0.0.5", null, "10.0.0.53", 0, "udp", 800, null, null, null);
        assertThatThrownBy(() -> ValidatedProbes.from(broken)).isInstanceOf(InvalidProbeException.class);
        ProbeResult result = ValidatedProbes.invalidResult(broken, ProbeFixtures.CLOCK);
        assertThat(result.success()).isFalse();
        assertThat(result.reason()).isEqualTo("invalid");
        assertThat(result.taskId()).isEqualTo("bad");
        assertThat(result.protocol()).isEqualTo("UDP");
        assertThat(result.targetIp()).isEqualTo("10.0.0.53");
        assertThat(result.executedAt()).isEqualTo(ProbeFixtures.CLOCK.instant());
    }
}
