package io.aami.terraform.resources;

import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.Map;
import java.util.Set;

/**
 * One managed resource type over the admin API. Values are maps of attribute name to plain values (see
 * {@link io.aami.terraform.values.Msgpack}); the generic planning is {@code Planner}'s.
 */
public interface ResourceType {
    String name();

    ObjectSchema schema();

    /** Rules that need no server, with the API's messages and the attribute named (unknown values skipped). */
    default void validate(Map<String, Object> config, Diags diags) {
    }

    /** Rules that need the server (an unknown group), checked while planning. */
    default void validateOnline(Map<String, Object> config, AamiClient client, Diags diags) {
    }

    Map<String, Object> create(Map<String, Object> planned, AamiClient client, Diags diags);

    Map<String, Object> update(Map<String, Object> prior, Map<String, Object> planned, AamiClient client, Diags diags);

    void delete(Map<String, Object> prior, AamiClient client);

    /** The object as the server has it now, null when it is gone (Terraform then plans to create it). */
    Map<String, Object> read(Map<String, Object> prior, AamiClient client, Diags diags);

    /** The state of an existing object named by {@code id} (then read as usual); null with a diagnostic when none. */
    Map<String, Object> importState(String id, AamiClient client, Diags diags);

    /** Computed attributes an update may change (unknown in an update's plan, kept in a no-op). */
    default Set<String> volatileOnUpdate() {
        return Set.of();
    }
}
