package io.aami.contract.results;

/**
 * The identity of one numbering of a result stream. An agent's seq numbers restart when its spool
 * starts over (deleted, lost, corrupt, restored from an older copy); each numbering gets a new random
 * epoch, so the server keeps one cursor per (agent, stream, epoch) and a restarted numbering is a new
 * stream, never a run of duplicates. Within an epoch a seq is stored at most once.
 *
 * <p>On the wire: {@code stream_epoch} of a result batch, a lowercase UUID in its canonical 8-4-4-4-12
 * form (agents use a random, version 4 UUID). A batch without one (an agent from before epochs) belongs
 * to {@link #DEFAULT}, which a batch may not name explicitly, nor {@link #UNSEQUENCED}.
 */
public final class StreamEpochs {
    /** The epoch of batches that carry none. */
    public static final String DEFAULT = "00000000-0000-0000-0000-000000000000";
    /**
     * The epoch the server files results sent without {@code seq} under, numbered by the server in
     * arrival order; a batch may not name it either.
     */
    public static final String UNSEQUENCED = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    /** Exactly the canonical lowercase form: no braces, no upper case, no other length. */
    public static final String PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    public static final int LENGTH = 36;
    /** The JSON field of a result batch. */
    public static final String FIELD = "stream_epoch";

    private StreamEpochs() {
    }
}
