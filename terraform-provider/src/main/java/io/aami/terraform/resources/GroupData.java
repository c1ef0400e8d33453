package io.aami.terraform.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Conv;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code data "aami_group"}: a group by {@code id} or by {@code name}. */
final class GroupData implements DataSourceType {
    static final ObjectSchema SCHEMA = new ObjectSchema("A group of targets, by id or name.", List.of(
            Attr.optionalComputed("id", AttrType.STRING, "The group's id (give this or name)."),
            Attr.optionalComputed("name", AttrType.STRING, "The group's name (give this or id)."),
            Attr.computed("description", AttrType.STRING, "What the group is for."),
            Attr.computed("labels", AttrType.STRING_MAP, "The group's labels.")));

    @Override
    public String name() {
        return "aami_group";
    }

    @Override
    public ObjectSchema schema() {
        return SCHEMA;
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        if (config.get("id") == null && config.get("name") == null) {
            diags.error("give id or name", "data \"aami_group\" needs id or name");
        }
        ApiResource.uuid(config, "id", diags);
    }

    @Override
    public Map<String, Object> read(Map<String, Object> config, AamiClient client, Diags diags) {
        JsonNode found = null;
        String id = Conv.str(config, "id");
        String name = Conv.str(config, "name");
        if (id != null) {
            AamiClient.Reply r = client.get("/api/v1/groups/" + id);
            found = r.status() == 404 ? null : r.json();
        } else {
            for (JsonNode g : client.get("/api/v1/groups").json()) {
                if (name.equals(g.path("name").asText())) {
                    found = g;
                }
            }
        }
        if (found == null) {
            diags.error(id != null ? "id" : "name", "no such group", "group " + (id != null ? id : "'" + name + "'")
                    + " does not exist");
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : SCHEMA.attributes()) {
            out.put(a.name(), Conv.fromJson(found, a.name(), a.type()));
        }
        return out;
    }
}
