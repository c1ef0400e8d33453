package io.aami.terraform.resources;

import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.List;
import java.util.Map;

/** {@code aami_group}: a group of targets ({@code /api/v1/groups}). */
final class GroupResource extends ApiResource {
    static final ObjectSchema SCHEMA = new ObjectSchema("A group of aami targets.", List.of(
            Attr.computed("id", AttrType.STRING, "The group's id (a UUID the server chooses)."),
            Attr.required("name", AttrType.STRING, "The group's name (unique)."),
            Attr.optional("description", AttrType.STRING, "What the group is for."),
            labelsAttr()));

    GroupResource() {
        super("aami_group", "/api/v1/groups", SCHEMA);
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        required(config, "name", 128, diags);
        labels(config, diags);
    }

    @Override
    public void validateOnline(Map<String, Object> config, AamiClient client, Diags diags) {
    }
}
