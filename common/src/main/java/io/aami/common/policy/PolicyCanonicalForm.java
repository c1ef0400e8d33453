package io.aami.common.policy;

import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.policy.ProcessMatch;
import io.aami.contract.probes.HttpProbeOptions;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The exact bytes a policy signature covers. Built from the typed records, never from the JSON
 * that arrived: the wire mapper ignores unknown fields, so anything not in these records cannot
 * influence execution, and everything in them is covered here. Every field of the bundle except
 * {@code signature} is included, nulls explicitly, so that removing, adding or changing any value
 * (a script together with its recomputed digest, an env entry, a probe port, the expiry) changes
 * the bytes.
 *
 * <p>Form: compact JSON, fields in the fixed order below, maps sorted by key, list order kept,
 * instants in UTC with nine fractional digits. The leading {@code "format"} member separates these
 * signatures from anything else the key might sign later. Changing this layout breaks every
 * deployed agent's verification: add a new format string instead of editing this one.
 *
 * <p>When a field is added to {@link PolicyBundle}, {@link CheckSpec} or {@link ProbeSpec}, it
 * must be added here; {@code PolicyCanonicalFormTest} fails until it is.
 */
public final class PolicyCanonicalForm {
    /** Names the layout; bump (as a new constant and code path) if the layout ever changes. */
    public static final String FORMAT = "aami.policy.v1";

    private PolicyCanonicalForm() {
    }

    /**
     * The checks and probes of a bundle in canonical form, rendered once: a server signing the same
     * content for many agents renders it once and only the per-agent header (version, target, times,
     * key) per bundle. Opaque; only {@link #canonical(PolicyBundle, Content)} reads it.
     */
    public static final class Content {
        private final String members;

        private Content(String members) {
            this.members = members;
        }
    }

    /** {@code checks} and {@code probes} rendered for {@link #canonical(PolicyBundle, Content)}. */
    public static Content content(List<CheckSpec> checks, List<ProbeSpec> probes) {
        CanonicalJson json = new CanonicalJson();
        json.name("checks");
        list(json, checks, PolicyCanonicalForm::check);
        json.name("probes");
        list(json, probes, PolicyCanonicalForm::probe);
        return new Content(json.fragment());
    }

    public static byte[] canonical(PolicyBundle bundle) {
        return canonical(bundle, content(bundle.checks(), bundle.probes()));
    }

    /**
     * The canonical form of {@code bundle} whose checks and probes are {@code content} (the caller
     * rendered it from the very lists the bundle carries; the bundle's own lists are not read).
     */
    public static byte[] canonical(PolicyBundle bundle, Content content) {
        CanonicalJson json = new CanonicalJson().beginObject()
                .name("format").value(FORMAT)
                .name("version").value(bundle.version())
                .name("target_id").value(bundle.targetId())
                .name("generated_at").value(bundle.generatedAt())
                .name("expires_at").value(bundle.expiresAt())
                .name("key_id").value(bundle.keyId());
        return json.members(content.members).endObject().toBytes();
    }

    private static <T> void list(CanonicalJson json, List<T> items, BiConsumer<CanonicalJson, T> item) {
        if (items == null) {
            json.nullValue();
            return;
        }
        json.beginArray();
        for (T t : items) {
            if (t == null) {
                json.nullValue();
            } else {
                item.accept(json, t);
            }
        }
        json.endArray();
    }

    private static void check(CanonicalJson json, CheckSpec c) {
        json.beginObject()
                .name("check_id").value(c.checkId())
                .name("name").value(c.name())
                .name("interpreter").value(c.interpreter())
                .name("script").value(c.script())
                .name("script_sha256").value(c.scriptSha256())
                .name("args").strings(c.args())
                .name("env").stringMap(c.env())
                .name("interval_seconds").value(c.intervalSeconds())
                .name("timeout_seconds").value(c.timeoutSeconds())
                .name("labels").stringMap(c.labels());
        // Written only when set, so a script check (kind absent) has the bytes every agent since v1 computes, and
        // an agent that predates kinds, which cannot know these members, fails the signature of a bundle that has
        // a process or passive check instead of running it as something else.
        if (c.kind() != null) {
            json.name("kind").value(c.kind());
        }
        if (c.process() != null) {
            json.name("process");
            process(json, c.process());
        }
        json.endObject();
    }

    private static void process(CanonicalJson json, ProcessMatch p) {
        json.beginObject()
                .name("name_regex").value(p.nameRegex())
                .name("exe_regex").value(p.exeRegex())
                .name("cmdline_regex").value(p.cmdlineRegex())
                .name("user").value(p.user())
                .name("min_count").value(p.minCount())
                .name("max_count").value(p.maxCount())
                .name("max_cpu_percent").value(p.maxCpuPercent())
                .name("max_rss_bytes").value(p.maxRssBytes())
                .name("max_open_files").value(p.maxOpenFiles())
                .name("max_threads").value(p.maxThreads())
                .endObject();
    }

    private static void probe(CanonicalJson json, ProbeSpec p) {
        json.beginObject()
                .name("probe_id").value(p.probeId())
                .name("destination_target_id").value(p.destinationTargetId())
                .name("name").value(p.name())
                .name("source_ip").value(p.sourceIp())
                .name("source_port").value(p.sourcePort())
                .name("target").value(p.target())
                .name("target_port").value(p.targetPort())
                .name("protocol").value(p.protocol())
                .name("timeout_ms").value(p.timeoutMs())
                .name("interval_seconds").value(p.intervalSeconds())
                .name("payload").value(p.payload())
                .name("expect").value(p.expect())
                .name("udp_no_reply_ok").value(p.udpNoReplyOk())
                .name("labels").stringMap(p.labels());
        if (p.http() != null) {
            // Only HTTP(S) probes carry the member, so a TCP or UDP probe's bytes are those every agent already verifies.
            json.name("http");
            http(json, p.http());
        }
        if (p.icmp() != null) {
            // Likewise only ICMP probes carry this member.
            json.name("icmp").beginObject()
                    .name("count").value(p.icmp().count())
                    .name("interval_ms").value(p.icmp().intervalMs())
                    .endObject();
        }
        json.endObject();
    }

    private static void http(CanonicalJson json, HttpProbeOptions h) {
        json.beginObject()
                .name("method").value(h.method())
                .name("path").value(h.path())
                .name("expected_status").strings(h.expectedStatus())
                .name("body_regex").value(h.bodyRegex())
                .name("body").value(h.body())
                .name("headers").stringMap(h.headers())
                .name("follow_redirects").value(h.followRedirects() == null ? null : h.followRedirects().toString())
                .name("max_redirects").value(h.maxRedirects())
                .name("ca_file").value(h.caFile())
                .name("server_name").value(h.serverName())
                .endObject();
    }
}
