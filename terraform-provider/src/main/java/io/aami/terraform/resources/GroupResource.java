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
     * The server deletes a group's bootstrap tokens that can no longer enroll with it (so destroying a group after
     * its revoked token works); targets, checks, probes and a token that can still enroll keep it. Said plainly
     * rather than as a bare 409, with where such a thing may come from.
     */
    @Override
    public void delete(Map<String, Object> prior, AamiClient client) {
        try {
            super.delete(prior, client);
        } catch (io.aami.terraform.api.ApiException e) {
            if ("IN_USE".equals(e.code())) {
                throw new io.aami.terraform.api.ApiException(e.status(), e.code(), e.getMessage() + ". Something outside "
                        + "this configuration still uses the group: revoke its live bootstrap tokens, move or delete its "
                        + "targets, checks and probes, then destroy again (or `terraform state rm` the group to keep it)",
                        e.field());
            }
            throw e;
        }
    }
}
