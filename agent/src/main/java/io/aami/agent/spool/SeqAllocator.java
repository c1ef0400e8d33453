package io.aami.agent.spool;

import java.io.IOException;

/**
 * Hands out the stream's sequence numbers. A seq is never reused, even after a crash: before handing
 * out a seq at or beyond the durable ceiling, the allocator reserves the next {@link #RESERVE_BLOCK}
 * numbers by writing (and fsyncing) the new ceiling, so a restart after a crash starts at the ceiling
 * and the worst case is a gap of one block. A clean close stores the exact next value: no gap.
 * Guarded by the spool lock.
 */
final class SeqAllocator {
    /** One fsync'd state write per this many appends; also the largest gap a crash leaves. */
    static final long RESERVE_BLOCK = 1000;

    private final DurableLong state;
    private long next;
    private long ceiling;

    SeqAllocator(DurableLong state, long next) {
        if (next < 1) {
            throw new IllegalArgumentException("next seq must be at least 1, got " + next);
        }
        this.state = state;
        this.next = next;
        this.ceiling = next;
    }

    /** The seq the next record gets, made durable as "used" first; {@link #advance} consumes it. */
    long reserveNext() throws IOException {
        if (next >= ceiling) {
            state.write(next + RESERVE_BLOCK);
            ceiling = next + RESERVE_BLOCK;
        }
        return next;
    }

    void advance() {
        next++;
    }

    long peekNext() {
        return next;
    }

    /** On clean close: the next start is exactly here. */
    void storeExact() throws IOException {
        state.write(next);
        ceiling = next;
    }
}
