package io.aami.terraform.resources;

import io.aami.contract.probes.ProbeProtocol;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.List;
import java.util.Map;

/**
 * {@code aami_probe}: a TCP, UDP, HTTP(S) or ICMP probe ({@code /api/v1/probes}) to a host or to a group's members; the
 * HTTP(S) options are the {@code http} block ({@link HttpBlock}), the ICMP ones the {@code icmp} block ({@link IcmpBlock}).
 */
final class ProbeResource extends ApiResource {
    static final ObjectSchema ATTRIBUTES = new ObjectSchema("A reachability probe agents run.", List.of(
            Attr.computed("id", AttrType.STRING, "The probe's id."),
            Attr.required("name", AttrType.STRING, "The probe's name."),
            Attr.optional("description", AttrType.STRING, "What it probes."),
            Attr.optional("target", AttrType.STRING, "Destination: an address or host name."),
            Attr.optional("target_group_id", AttrType.STRING, "Destination: every member of this group."),
            Attr.optionalComputed("target_port", AttrType.NUMBER, "Destination port (required but for ICMP, which has none)."),
            Attr.required("protocol", AttrType.STRING, "tcp, udp, http, https or icmp."),
            Attr.optionalComputed("timeout_ms", AttrType.NUMBER, "How long one attempt may take."),
            Attr.required("interval_seconds", AttrType.NUMBER, "How often it runs: 1 s to a week."),
            Attr.optional("payload", AttrType.STRING, "What to send."),
            Attr.optional("expect", AttrType.STRING, "What the answer must contain."),
            Attr.optionalComputed("udp_no_reply_ok", AttrType.BOOL, "Whether silence counts as success for UDP."),
            Attr.optional("source_ip", AttrType.STRING, "Source address."),
            Attr.optional("source_port", AttrType.NUMBER, "Source port."),
            Attr.optional("group_id", AttrType.STRING, "Scope: the targets of this group."),
            Attr.optional("target_id", AttrType.STRING, "Scope: this one target."),
            Attr.optionalComputed("global", AttrType.BOOL, "Scope: every target."),
            labelsAttr(),
            Attr.optionalComputed("enabled", AttrType.BOOL, "Whether agents run it (default true).")));

    ProbeResource() {
        super("aami_probe", "/api/v1/probes", ATTRIBUTES, List.of(new HttpBlock(), new IcmpBlock()));
    }

    /** The server answers the protocol in capitals: the operator's spelling is kept when it is the same protocol. */
    @Override
    Map<String, Object> state(com.fasterxml.jackson.databind.JsonNode node, Map<String, Object> reference) {
        Map<String, Object> s = super.state(node, reference);
        Object mine = reference == null ? null : reference.get("protocol");
        Object theirs = s.get("protocol");
        if (theirs instanceof String t) {
            s.put("protocol", mine instanceof String m && m.equalsIgnoreCase(t) ? m : t.toLowerCase(java.util.Locale.ROOT));
        }
        return s;
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        required(config, "name", 128, diags);
        uuid(config, "group_id", diags);
        uuid(config, "target_id", diags);
        uuid(config, "target_group_id", diags);
        labels(config, diags);
        interval(config, diags);
        protocol(config, diags);
        validateBlocks(config, diags);
    }

    /** The probe's protocol in {@code values} (a configuration, a state); null when unknown, absent or invalid. */
    static ProbeProtocol protocolOf(Map<String, Object> values) {
        return values.get("protocol") instanceof String s && !s.isBlank() ? ProbeProtocol.parse(s).orElse(null) : null;
    }

    /** The protocol by the API's rule; the port the API requires of every protocol but ICMP. */
    private static void protocol(Map<String, Object> config, Diags diags) {
        if (!(config.get("protocol") instanceof String)) {
            return; // unknown until apply
        }
        ProbeProtocol protocol = protocolOf(config);
        if (protocol == null) {
            diags.error("protocol", "invalid protocol", "protocol: must be " + ProbeProtocol.names());
        } else if (!protocol.icmp() && config.get("target_port") == null) {
            diags.error("target_port", "invalid target_port", "target_port: is required");
        }
    }

    @Override
    public void validateOnline(Map<String, Object> config, AamiClient client, Diags diags) {
        groupExists(config, "group_id", client, diags);
        groupExists(config, "target_group_id", client, diags);
    }
}
