package io.aami.agent.schedule;

/**
 * Told when a job's slot is skipped because its previous run is still going. Called on the timer
 * thread; typically increments the owner's skip counter (checks and probes keep separate ones).
 */
@FunctionalInterface
public interface SkipListener {
    SkipListener NONE = key -> { };

    void skipped(String key);
}
