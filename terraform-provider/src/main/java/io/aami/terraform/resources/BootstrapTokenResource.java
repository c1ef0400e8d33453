package io.aami.terraform.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.List;
import java.util.Map;

/**
 * {@code aami_bootstrap_token}: a token agents enroll with ({@code /api/v1/bootstrap-tokens}). The secret
 * ({@code token}) is shown by the server once, at creation: it is kept in the state, marked sensitive, and
 * never read back. A token cannot be edited, so every argument forces a replacement; destroying it revokes it.
 * Uses, remaining uses and expiry are the server's and never a diff; an expired or used-up token stays until
 * replaced ({@code terraform apply -replace=...}), so a host's user_data does not change on its own.
 */
final class BootstrapTokenResource extends ApiResource {
    static final ObjectSchema SCHEMA = new ObjectSchema("A bootstrap token agents enroll with.", List.of(
            Attr.computed("id", AttrType.STRING, "The token's id."),
            Attr.computed("token", AttrType.STRING, "The secret (aami_<id>.<secret>), known only from this resource's creation.")
                    .asSensitive(),
            Attr.required("name", AttrType.STRING, "What the token is for.").forcesReplacement(),
            Attr.optional("group_id", AttrType.STRING, "The group agents enrolled with it join (and only that group).")
                    .forcesReplacement(),
            Attr.required("max_uses", AttrType.NUMBER, "How many enrollments it allows (1: one host).")
                    .forcesReplacement(),
            Attr.optional("ttl_seconds", AttrType.NUMBER, "Validity from creation (else the server's default).")
                    .forcesReplacement(),
            labelsAttr().forcesReplacement(),
            Attr.optional("allowed_cidrs", AttrType.STRING_LIST, "Networks enrollments may come from.").forcesReplacement(),
            Attr.computed("expires_at", AttrType.STRING, "When it expires (RFC 3339)."),
            Attr.computed("uses", AttrType.NUMBER, "Enrollments so far."),
            Attr.computed("remaining", AttrType.NUMBER, "Enrollments left."),
            Attr.computed("expired", AttrType.BOOL, "Whether it has expired."),
            Attr.computed("revoked", AttrType.BOOL, "Whether it was revoked.")));

    BootstrapTokenResource() {
        super("aami_bootstrap_token", "/api/v1/bootstrap-tokens", SCHEMA);
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        required(config, "name", 128, diags);
        uuid(config, "group_id", diags);
        labels(config, diags);
        Object uses = config.get("max_uses");
        if (uses instanceof Number n && n.longValue() < 1) {
            diags.error("max_uses", "invalid max_uses", "max_uses: must be at least 1");
        }
    }

    @Override
    public void validateOnline(Map<String, Object> config, AamiClient client, Diags diags) {
        groupExists(config, "group_id", client, diags);
    }

    @Override
    Map<String, Object> state(JsonNode node, Map<String, Object> reference) {
        Map<String, Object> s = super.state(node, reference);
        // Neither the secret (after creation) nor the requested lifetime is ever returned: kept as planned.
        if (s.get("token") == null && reference != null) {
            s.put("token", reference.get("token"));
        }
        s.put("ttl_seconds", reference == null ? null : reference.get("ttl_seconds"));
        return s;
    }

    @Override
    public Map<String, Object> update(Map<String, Object> prior, Map<String, Object> planned, AamiClient client, Diags diags) {
        // Every argument forces a replacement, so an update changes nothing on the server.
        return planned;
    }

    @Override
    public Map<String, Object> importState(String id, AamiClient client, Diags diags) {
        AamiClient.Reply r = client.get(path(id));
        if (r.status() == 404) {
            diags.error("cannot import aami_bootstrap_token", "bootstrap token " + id + " does not exist on the server");
            return null;
        }
        diags.warning(null, "the imported token's secret is unknown",
                "the server shows a bootstrap token's secret only when it is created: aami_bootstrap_token." 
                        + "token stays null for an imported token");
        return state(r.json(), null);
    }
}
