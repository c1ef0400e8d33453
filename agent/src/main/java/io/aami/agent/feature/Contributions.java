package io.aami.agent.feature;

import io.aami.agent.api.LocalApi;
import io.aami.contract.heartbeat.LocalApiAddress;
import io.aami.contract.policy.PolicyBundle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the features add to the running agent: background loops, local-API routes, consumers of each
 * applied policy bundle, what the heartbeat reports, and what to close on stop. Closeables close in the
 * reverse order of their registration, so whatever a feature builds on (a spool, the transport) is
 * registered before it and closed after it: the API and the producers stop before the spools they write to.
 */
public final class Contributions {
    private final List<Loop> loops = new ArrayList<>();
    private final Map<String, LocalApi.Endpoint> routes = new LinkedHashMap<>();
    private final List<Consumer<PolicyBundle>> bundleConsumers = new ArrayList<>();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final List<LongSupplier> pendingResults = new ArrayList<>();
    private final List<LongSupplier> droppedResults = new ArrayList<>();
    private final List<Supplier<String>> problems = new ArrayList<>();
    private LongSupplier appliedPolicyVersion = () -> -1;
    private volatile LocalApiAddress localApi;

    public void loop(Loop loop) {
        loops.add(loop);
    }

    public void routes(Map<String, LocalApi.Endpoint> more) {
        more.keySet().forEach(path -> {
            if (routes.containsKey(path)) {
                throw new IllegalStateException("two features serve " + path);
            }
        });
        routes.putAll(more);
    }

    /** {@code consumer} receives every policy bundle the agent applies, in registration order. */
    public void onBundle(Consumer<PolicyBundle> consumer) {
        bundleConsumers.add(consumer);
    }

    /** Closed on stop (or a failed start) before everything registered earlier. */
    public <T extends AutoCloseable> T closeable(T resource) {
        closeables.addFirst(resource);
        return resource;
    }

    /** Results waiting for delivery, summed into the heartbeat's pending count. */
    public void pendingResults(LongSupplier count) {
        pendingResults.add(count);
    }

    /** Results a full spool dropped since the agent started, summed into the heartbeat's {@code spool_dropped}. */
    public void droppedResults(LongSupplier count) {
        droppedResults.add(count);
    }

    /** A problem to report in the heartbeat; the first registered source with one wins. */
    public void problem(Supplier<String> source) {
        problems.add(source);
    }

    /** The applied policy version for the heartbeat (negative: none). */
    public void appliedPolicyVersion(LongSupplier version) {
        appliedPolicyVersion = version;
    }

    public List<Loop> loops() {
        return List.copyOf(loops);
    }

    public Map<String, LocalApi.Endpoint> routes() {
        return new LinkedHashMap<>(routes);
    }

    /** Applies {@code bundle} with every registered consumer. */
    public void applyBundle(PolicyBundle bundle) {
        bundleConsumers.forEach(c -> c.accept(bundle));
    }

    /** In closing order. */
    public List<AutoCloseable> closeables() {
        return List.copyOf(closeables);
    }

    public long pendingResults() {
        return pendingResults.stream().mapToLong(LongSupplier::getAsLong).sum();
    }

    public long droppedResults() {
        return droppedResults.stream().mapToLong(LongSupplier::getAsLong).sum();
    }

    /** The first problem any source reports; null when none does. */
    public String problem() {
        for (Supplier<String> source : problems) {
            String p = source.get();
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    public long appliedPolicyVersion() {
        return appliedPolicyVersion.getAsLong();
    }

    /** Where the local API listens, for the heartbeat (the server's Prometheus discovery lists it). */
    public void localApi(LocalApiAddress address) {
        localApi = address;
    }

    /** Null while the local API is off (or not started yet). */
    public LocalApiAddress localApi() {
        return localApi;
    }
}
