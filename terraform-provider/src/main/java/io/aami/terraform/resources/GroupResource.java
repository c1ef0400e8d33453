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

    /**
     * The server keeps revoked and expired bootstrap tokens (their history), and a token names its group: such a
     * group cannot be deleted. Said plainly rather than as a bare 409.
     */
    @Override
    public void delete(Map<String, Object> prior, AamiClient client) {
        try {
            super.delete(prior, client);
        } catch (io.aami.terraform.api.ApiException e) {
            if ("IN_USE".equals(e.code())) {
                throw new io.aami.terraform.api.ApiException(e.status(), e.code(), e.getMessage() + ". Bootstrap tokens "
                        + "count even when revoked or expired (the server keeps them): a group that ever had one stays; "
                        + "remove it from the state with `terraform state rm`", e.field());
            }
            throw e;
        }
    }
}
