package io.aami.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Jetty's client for tens of thousands of destinations (one per simulated agent, {@link FleetHttp}): Jetty keeps each
 * destination as a bean of the client, and walks every bean for each new connection
 * ({@code ClientConnectionFactory.customize} asks for the client's {@code Connection.Listener}s) and each new
 * destination ({@code addBean} looks for it first). At 12,500 agents a simulator spent most of its CPU in those walks,
 * and a storm or a poll phase opened connections at a few hundred a second: the bench, not the server, was the limit.
 * Here the destinations live in a map of their own, started and stopped with the client, and the bean list stays short.
 */
final class ManyDestinationsClient extends HttpClient {
    private final ConcurrentHashMap<Origin, HttpDestination> destinations = new ConcurrentHashMap<>();

    ManyDestinationsClient(HttpClientTransport transport) {
        super(transport);
    }

    @Override
    public Destination resolveDestination(Origin origin) {
        return destinations.compute(origin, (k, d) -> {
            if (d != null && !d.stale()) {
                return d;
            }
            HttpDestination fresh = (HttpDestination) getTransport().newDestination(k);
            // Started before it is published to other threads, as Jetty's own addManaged does.
            LifeCycle.start(fresh);
            return fresh;
        });
    }

    @Override
    public boolean removeDestination(Destination destination) {
        boolean removed = destinations.remove(destination.getOrigin(), (HttpDestination) destination);
        if (removed) {
            LifeCycle.stop(destination);
        }
        return removed;
    }

    @Override
    public List<Destination> getDestinations() {
        return new ArrayList<>(destinations.values());
    }

    @Override
    protected void doStop() throws Exception {
        destinations.values().forEach(d -> LifeCycle.stop(d));
        destinations.clear();
        super.doStop();
    }
}
