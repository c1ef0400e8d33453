package io.aami.terraform.resources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every resource and data source type the provider serves, by type name. */
public final class Catalog {
    private final Map<String, ResourceType> resources = new LinkedHashMap<>();
    private final Map<String, DataSourceType> dataSources = new LinkedHashMap<>();

    public Catalog() {
        for (ResourceType r : List.of(new GroupResource(), new TargetResource(), new BootstrapTokenResource(),
                new CheckResource(), new ProbeResource())) {
            resources.put(r.name(), r);
        }
        for (DataSourceType d : List.of(new CaData(), new GroupData(), new TargetData())) {
            dataSources.put(d.name(), d);
        }
    }

    public Map<String, ResourceType> resources() {
        return resources;
    }

    public Map<String, DataSourceType> dataSources() {
        return dataSources;
    }
}
