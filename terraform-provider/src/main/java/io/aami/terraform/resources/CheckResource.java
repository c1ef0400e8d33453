package io.aami.terraform.resources;

import io.aami.contract.checks.CheckKinds;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code aami_check}: a script, process or passive check ({@code /api/v1/checks}); scope: a group, a target or global.
 * A process check's match is the {@code process} block ({@link ProcessBlock}).
 */
final class CheckResource extends ApiResource {
    static final ObjectSchema ATTRIBUTES = new ObjectSchema("A check agents run (script), measure (process) or receive results for (passive).", List.of(
            Attr.computed("id", AttrType.STRING, "The check's id."),
            Attr.required("name", AttrType.STRING, "The check's name."),
            Attr.optional("description", AttrType.STRING, "What it checks."),
            Attr.optionalComputed("kind", AttrType.STRING, "script (default), process or passive."),
            Attr.optional("interpreter", AttrType.STRING, "A script check's interpreter, e.g. sh (one the server allows)."),
            Attr.optional("script", AttrType.STRING, "A script check's script."),
            Attr.optional("args", AttrType.STRING_LIST, "Arguments to the script."),
            Attr.optional("env", AttrType.STRING_MAP, "Environment of the script.").asSensitive(),
            Attr.required("interval_seconds", AttrType.NUMBER, "How often it runs: 1 s to a week."),
            Attr.optionalComputed("timeout_seconds", AttrType.NUMBER, "How long one run may take (required for a script check)."),
            Attr.optional("group_id", AttrType.STRING, "Scope: the targets of this group."),
            Attr.optional("target_id", AttrType.STRING, "Scope: this one target."),
            Attr.optionalComputed("global", AttrType.BOOL, "Scope: every target."),
            labelsAttr(),
            Attr.optionalComputed("enabled", AttrType.BOOL, "Whether agents run it (default true)."),
            Attr.computed("execution_sha256", AttrType.STRING, "What an agent's checks.allowed_execution_sha256 lists to allow it.")));

    CheckResource() {
        super("aami_check", "/api/v1/checks", ATTRIBUTES, List.of(new ProcessBlock()));
    }

    @Override
    public Set<String> volatileOnUpdate() {
        return Set.of("execution_sha256");
    }

    @Override
    public void validate(Map<String, Object> config, Diags diags) {
        required(config, "name", 128, diags);
        uuid(config, "group_id", diags);
        uuid(config, "target_id", diags);
        labels(config, diags);
        interval(config, diags);
        if (config.get("kind") instanceof String k && !CheckKinds.ALL.contains(k)) {
            diags.error("kind", "invalid kind", "kind: must be one of " + CheckKinds.ALL);
        }
        validateBlocks(config, diags);
    }

    @Override
    public void validateOnline(Map<String, Object> config, AamiClient client, Diags diags) {
        groupExists(config, "group_id", client, diags);
    }
}
