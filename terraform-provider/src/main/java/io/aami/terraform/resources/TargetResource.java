package io.aami.terraform.resources;

import io.aami.contract.rules.FieldRules;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.api.ApiException;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code aami_target}: a pre-registered host under a client-chosen UUID ({@code PUT /api/v1/targets/{id}}),
 * the same UUID its cloud-init writes to {@code /etc/aami/agent-id}. What the agent reports (status,
 * reported hostname and address, when it enrolled) is computed and never a diff. A deleted target's id is
 * retired forever (no agent can enroll under it again), so a target deleted outside Terraform is an error
 * naming the id, not a create that would fail.
 */
final class TargetResource extends ApiResource {
    static final ObjectSchema SCHEMA = new ObjectSchema("A monitored host, pre-registered under its agent's UUID.", List.of(
            Attr.required("id", AttrType.STRING, "The agent's UUID, chosen by you (e.g. random_uuid) and written to /etc/aami/agent-id.")
                    .forcesReplacement(),
            Attr.required("hostname", AttrType.STRING, "The hostname aami shows and labels metrics with."),
            Attr.optional("group_id", AttrType.STRING, "The group's id."),
            labelsAttr(),
            Attr.computed("status", AttrType.STRING, "pending (never connected), online, offline or revoked."),
            Attr.computed("reported_hostname", AttrType.STRING, "The hostname the agent reported at its last enrollment."),
            Attr.computed("reported_ip", AttrType.STRING, "The address the agent reported at its last enrollment."),
            Attr.computed("enrolled_at", AttrType.STRING, "When the agent enrolled (RFC 3339), null until it does.")));

    TargetResource() {
        super("aami_target", "/api/v1/targets", SCHEMA);
    }

    @Override
    String jsonName(String attribute) {
        return attribute.equals("enrolled_at") ? "registered_at" : attribute;
    }

    @Override
    public Set<String> volatileOnUpdate() {
        return Set.of("status", "reported_hostname", "reported_ip", "enrolled_at");
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        uuid(config, "id", diags);
        required(config, "hostname", FieldRules.MAX_HOSTNAME, diags);
        uuid(config, "group_id", diags);
        labels(config, diags);
    }

    @Override
    public void validateOnline(Map<String, Object> config, AamiClient client, Diags diags) {
        groupExists(config, "group_id", client, diags);
    }

    @Override
    public Map<String, Object> create(Map<String, Object> planned, AamiClient client, Diags diags) {
        try {
            return state(client.put(path(planned.get("id")), body(planned)).json(), planned);
        } catch (ApiException e) {
            if ("AGENT_ID_RETIRED".equals(e.code())) {
                diags.error("id", "target id " + planned.get("id") + " is retired", e.getMessage()
                        + ". aami never lets a deleted target's id enroll again: give the host a new UUID.");
                return null;
            }
            throw e;
        }
    }

    @Override
    public Map<String, Object> read(Map<String, Object> prior, AamiClient client, Diags diags) {
        Object id = prior.get("id");
        AamiClient.Reply r = client.get(path(id));
        if (r.status() == 404) {
            diags.error("id", "target " + id + " was deleted outside Terraform",
                    "aami retires a deleted target's id forever (no agent can enroll under it again), so it cannot be "
                            + "recreated. Give the host a new UUID (e.g. replace its random_uuid), or forget this one with "
                            + "`terraform state rm` and remove the resource.");
            return prior;
        }
        return state(r.json(), prior);
    }
}
