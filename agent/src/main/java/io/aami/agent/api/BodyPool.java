package io.aami.agent.api;

/**
 * Which of the API's body-slot pools a route's requests take their slot from ({@link BodySlots}). Each pool
 * has its own slots, so one kind of caller cannot starve another: a {@code /run_tasks} holds its slot while
 * its probes run (up to a minute), and two of them must not keep cron jobs from posting their results.
 *
 * @param slots  requests of this pool that may read and hold a body at once
 */
public enum BodyPool {
    /** {@code /probe_json} and {@code /run_tasks}: bodies of up to {@link LocalApi#MAX_BODY}. */
    PROBES(2),
    /** {@code /check-results}: bodies of up to 1 MiB. */
    RESULTS(2);

    private final int slots;

    BodyPool(int slots) {
        this.slots = slots;
    }

    public int slots() {
        return slots;
    }
}
