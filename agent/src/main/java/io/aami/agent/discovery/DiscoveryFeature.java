package io.aami.agent.discovery;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.feature.AgentContext;
import io.aami.agent.feature.Loop;
import java.util.function.Consumer;

/**
 * Host discovery ({@code discovery.*}, issue 11's agent side): a loop that reads the host's socket tables and
 * process descriptors every {@code discovery.interval} and shows listening services, upstream and downstream
 * dependencies and connection states on the local {@code /metrics} ({@link DiscoveryMetrics}), and gives each
 * scan's view to a listener (the report stream to the server).
 */
public final class DiscoveryFeature {
    private DiscoveryFeature() {
    }

    public static void install(AgentContext ctx) {
        install(ctx, view -> { });
    }

    /** The same, each scan's view also given to {@code listener} (the report stream to the server). */
    public static void install(AgentContext ctx, Consumer<DiscoveryView> listener) {
        AgentConfig.Discovery cfg = ctx.cfg().discovery();
        if (!cfg.enabled()) {
            return;
        }
        DiscoveryMetrics metrics = new DiscoveryMetrics(ctx.metrics().registry());
        DiscoveryLoop loop = new DiscoveryLoop(new SocketScanner(cfg.procRoot(), Users.PASSWD, cfg.maxNamespaces()),
                new Derivation(cfg.maxRemotesPerProcess(), cfg.maxProcesses(), ownPid(cfg.procRoot())), metrics, cfg.interval(), ctx.stop(), ctx.clock(),
                listener);
        // Not interrupted on stop: an interrupt would do nothing a scan's reads need, and the stop signal ends the wait.
        ctx.out().loop(new Loop("discovery", loop, false));
    }

    /**
     * This process's id where {@code procRoot} is this process's own {@code /proc}; else -1 (none): another root may be
     * another pid namespace (a container's view of the host), where the same number is some other process.
     */
    static long ownPid(java.nio.file.Path procRoot) {
        return procRoot.normalize().equals(java.nio.file.Path.of("/proc")) ? ProcessHandle.current().pid() : -1;
    }
}
