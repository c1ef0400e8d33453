package io.aami.terraform.resources;

import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.HttpProbeRules;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import io.aami.terraform.values.Unknown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code aami_probe}'s {@code http} block: api-contract's {@link HttpProbeOptions}, judged by {@link HttpProbeRules}. */
final class HttpBlock implements OptionBlock {
    static final ObjectSchema.Block BLOCK = new ObjectSchema.Block("http", new ObjectSchema(
            "HTTP(S) probe options (protocol http or https); every one optional.", List.of(
            Attr.optional("method", AttrType.STRING, "GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS."),
            Attr.optional("path", AttrType.STRING, "The request target, / by default; may carry a query."),
            Attr.optional("expected_status", AttrType.STRING_LIST, "Codes (200), classes (2xx) or ranges (200-399); 2xx by default."),
            Attr.optional("body_regex", AttrType.STRING, "A regex the body's first 64 KiB must contain a match of."),
            Attr.optional("body", AttrType.STRING, "The request body (POST, PUT, PATCH)."),
            // Sensitive: an Authorization header is a credential; plans show it hidden, as a script check's env.
            Attr.optional("headers", AttrType.STRING_MAP, "Extra request headers (not Host, Content-Length, Transfer-Encoding, Connection).")
                    .asSensitive(),
            Attr.optional("follow_redirects", AttrType.BOOL, "Follow redirects to the same host (default false)."),
            Attr.optional("max_redirects", AttrType.NUMBER, "At most this many redirects: 1 to 10, 5 by default (with follow_redirects)."),
            Attr.optional("ca_file", AttrType.STRING, "HTTPS: a PEM file of trusted CAs on the agent; absent: the system trust store."),
            Attr.optional("server_name", AttrType.STRING, "HTTPS: the name sent as SNI and verified in the certificate; both: the Host header."))));

    @Override
    public ObjectSchema.Block block() {
        return BLOCK;
    }

    @Override
    public Map<String, Object> normalized(Map<String, Object> raw, Map<String, Object> resource) {
        ProbeProtocol protocol = ProbeResource.protocolOf(resource);
        if (protocol == null || !protocol.http()) {
            return null;
        }
        HttpProbeRules.Result r = HttpProbeRules.check(options(raw), protocol);
        return r.valid() ? values(r.options()) : null;
    }

    @Override
    public void validate(Map<String, Object> raw, Map<String, Object> config, Diags diags) {
        ProbeProtocol protocol = ProbeResource.protocolOf(config);
        if (protocol == null) {
            return; // unknown until apply, or refused as the protocol
        }
        if (!protocol.http()) {
            if (raw != null) {
                BlockValues.refuse(BLOCK, "http", HttpProbeRules.HTTP_ONLY, diags);
            }
            return;
        }
        if (BlockValues.known(raw) && BlockValues.wholeNumbers(raw, BLOCK, diags)) {
            HttpProbeRules.Result r = HttpProbeRules.check(options(raw), protocol);
            if (!r.valid()) {
                BlockValues.refuse(BLOCK, r.field(), r.problem(), diags);
            }
        }
    }

    private static HttpProbeOptions options(Map<String, Object> raw) {
        if (raw == null) {
            return null;
        }
        Object follow = raw.get("follow_redirects");
        return new HttpProbeOptions(BlockValues.str(raw, "method"), BlockValues.str(raw, "path"),
                BlockValues.strings(raw, "expected_status"), BlockValues.str(raw, "body_regex"), BlockValues.str(raw, "body"),
                BlockValues.stringMap(raw, "headers"), follow == Unknown.VALUE ? null : (Boolean) follow,
                BlockValues.integer(raw, "max_redirects"), BlockValues.str(raw, "ca_file"), BlockValues.str(raw, "server_name"));
    }

    private static Map<String, Object> values(HttpProbeOptions o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", o.method());
        out.put("path", o.path());
        out.put("expected_status", o.expectedStatus());
        out.put("body_regex", o.bodyRegex());
        out.put("body", o.body());
        out.put("headers", o.headers());
        out.put("follow_redirects", o.followRedirects());
        out.put("max_redirects", BlockValues.number(o.maxRedirects()));
        out.put("ca_file", o.caFile());
        out.put("server_name", o.serverName());
        return out;
    }
}
