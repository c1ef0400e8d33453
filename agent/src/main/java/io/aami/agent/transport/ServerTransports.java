package io.aami.agent.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.common.net.HostPort;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's way to its config-servers ({@code server.address}, or the replicas in {@code server.addresses}):
 * one {@link RestTransport} per server, all on the same clients (one CA pin, one identity: replicas share
 * the CA), and for each loop a transport of its own that fails over independently ({@link ServerChoice}):
 * the heartbeat may move while the policy poll stays. Every loop of an agent starts at the same server,
 * the one its id picks, so a fleet configured with one list spreads over the replicas evenly and each
 * agent comes back to the same one after a restart.
 */
public final class ServerTransports {
    private final List<ServerTransport> servers;
    private final List<String> addresses;
    private final int start;
    private final FailoverMetrics metrics;
    private final ConcurrentHashMap<String, ServerTransport> loops = new ConcurrentHashMap<>();

    public ServerTransports(AgentConfig.Server cfg, HttpClients.Set clients, ObjectMapper mapper, Duration timeout,
                            UUID agentId, PrometheusRegistry registry) {
        this.addresses = cfg.addresses().stream().map(HostPort::toString).toList();
        this.servers = addresses.stream().<ServerTransport>map(a -> new RestTransport(
                URI.create((cfg.tls().enabled() ? "https://" : "http://") + a), clients, mapper, timeout)).toList();
        this.start = startIndex(agentId, addresses.size());
        this.metrics = new FailoverMetrics(registry);
    }

    /** The server an agent starts with: spread by its id, stable across restarts. */
    public static int startIndex(UUID agentId, int servers) {
        return Math.floorMod(agentId.hashCode(), servers);
    }

    /** The transport of loop {@code loop}: the same object for every call with that name. */
    public ServerTransport forLoop(String loop) {
        return loops.computeIfAbsent(loop, l -> new FailoverTransport(servers, new ServerChoice(l, addresses, start, metrics)));
    }
}
