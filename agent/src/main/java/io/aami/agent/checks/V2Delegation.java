package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the {@code pids} and {@code memory} controllers available below the agent's cgroup v2. The
 * kernel's "no internal processes" rule forbids that while the agent's cgroup holds processes (the
 * hierarchy root excepted), so the agent first moves itself to a leaf {@code aami-agent} of its cgroup,
 * which is what a systemd unit with {@code Delegate=yes} expects. Fails when other processes share the
 * agent's cgroup.
 */
final class V2Delegation {
    private static final Logger LOG = LoggerFactory.getLogger(V2Delegation.class);
    private static final String CONTROLLERS = "+pids +memory";

    private V2Delegation() {
    }

    static void enable(Path base, boolean hierarchyRoot) throws IOException {
        Path control = base.resolve("cgroup.subtree_control");
        if (Set.of(CgroupFiles.read(control).split(" ")).containsAll(Set.of("pids", "memory"))) {
            return;
        }
        try {
            CgroupFiles.write(control, CONTROLLERS);
            return;
        } catch (IOException busy) {
            if (hierarchyRoot) {
                throw busy;
            }
        }
        Path leaf = base.resolve("aami-agent");
        if (!Files.isDirectory(leaf)) {
            Files.createDirectory(leaf);
        }
        CgroupFiles.write(leaf.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        LOG.info("agent moved to cgroup {} so that its check runs can have cgroups of their own", leaf);
        CgroupFiles.write(control, CONTROLLERS);
    }
}
