package io.aami.terraform.resources;

import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Conv;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code data "aami_target"}: a target by id, with what its agent reports. */
final class TargetData implements DataSourceType {
    static final ObjectSchema SCHEMA = new ObjectSchema("A target, by id.", List.of(
            Attr.required("id", AttrType.STRING, "The target's id."),
            Attr.computed("hostname", AttrType.STRING, "The operator's hostname."),
            Attr.computed("group_id", AttrType.STRING, "The group's id."),
            Attr.computed("labels", AttrType.STRING_MAP, "The operator's labels."),
            Attr.computed("status", AttrType.STRING, "pending, online, offline or revoked."),
            Attr.computed("reported_hostname", AttrType.STRING, "The hostname the agent reported."),
            Attr.computed("reported_ip", AttrType.STRING, "The address the agent reported."),
            Attr.computed("enrolled_at", AttrType.STRING, "When the agent enrolled.")));

    @Override
    public String name() {
        return "aami_target";
    }

    @Override
    public ObjectSchema schema() {
        return SCHEMA;
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        ApiResource.uuid(config, "id", diags);
    }

    @Override
    public Map<String, Object> read(Map<String, Object> config, AamiClient client, Diags diags) {
        String id = Conv.str(config, "id");
        AamiClient.Reply r = client.get("/api/v1/targets/" + id);
        if (r.status() == 404) {
            diags.error("id", "no such target", "target " + id + " does not exist");
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : SCHEMA.attributes()) {
            out.put(a.name(), Conv.fromJson(r.json(), a.name().equals("enrolled_at") ? "registered_at" : a.name(), a.type()));
        }
        return out;
    }
}
