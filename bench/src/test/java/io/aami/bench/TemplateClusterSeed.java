package io.aami.bench;

import io.aami.server.db.EmbeddedClusterTemplate;
import java.nio.file.Path;

/**
 * The tests' {@link ClusterSeed} (registered in {@code META-INF/services}, so child JVMs started with the test class
 * path use it too): a copy of the build's never-started cluster template, as the config-server and install tests
 * seed theirs, instead of unpacking 15 MB of xz and running initdb for every embedded server.
 */
public final class TemplateClusterSeed implements ClusterSeed {
    @Override
    public void seed(Path dataDir) {
        EmbeddedClusterTemplate.seed(dataDir);
    }
}
