package io.aami.bench;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Where a {@code policy} round's agents run: in this JVM on the round's HTTP client ({@link #in}), or spread over
 * the simulator children ({@link PolicyChildren}, {@code --processes}).
 */
interface Pollers {
    /** Every agent fetches its policy, then parks its long poll; returns once every poll is sent. */
    void fetchAndPark(List<Prefill.Identity> agents, Duration timeout) throws Exception;

    /** Waits up to {@code timeout} for every agent's new bundle; what each held. */
    PolledAgents.Outcome await(UUID check, Duration timeout) throws Exception;

    /** The round's agents in this JVM, on {@code http}. */
    static Pollers in(FleetHttp http, com.fasterxml.jackson.databind.ObjectMapper mapper,
                      java.util.concurrent.ScheduledExecutorService retries, Duration pollWait) {
        return new Pollers() {
            private PolledAgents agents;

            @Override
            public void fetchAndPark(List<Prefill.Identity> ids, Duration timeout) throws Exception {
                agents = new PolledAgents(http, mapper, retries, ids, pollWait);
                agents.fetchAndPark(timeout);
            }

            @Override
            public PolledAgents.Outcome await(UUID check, Duration timeout) throws Exception {
                return agents.await(check, timeout);
            }
        };
    }
}
