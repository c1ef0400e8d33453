package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import java.net.InetAddress;
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
                .isInstanceOf(InvalidProbeException.class).hasMessage("protocol must be TCP or UDP, got ' tcp6 '");
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
                Arguments.of(task(null, null, "10.0.0.1", 22, "icmp", null, null, null, null), "protocol", "'icmp'"),
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
                Arguments.of(null, "task", "null"));
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
