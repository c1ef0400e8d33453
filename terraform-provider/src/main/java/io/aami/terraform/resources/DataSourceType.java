package io.aami.terraform.resources;

import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.Map;

/** One data source: a read of the server by the configured arguments. */
public interface DataSourceType {
    String name();

    ObjectSchema schema();

    default void validate(Map<String, Object> config, Diags diags) {
    }

    Map<String, Object> read(Map<String, Object> config, AamiClient client, Diags diags);
}
