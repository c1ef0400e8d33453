package io.aami.agent.probes;

import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What other threads hand the loop: new attempts and DNS answers. Posting wakes the selector at
 * most once per loop iteration: the loop {@link #rearm() rearms} before draining, and a poster
 * calls {@link Selector#wakeup()} only if it is the first since then, so a burst of 10,000
 * submissions costs one wakeup, not 10,000.
 */
final class Inbox {
    private final Selector selector;
    private final ConcurrentLinkedQueue<ProbeAttempt> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TargetResolver.Resolution> resolved = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile boolean closed;

    Inbox(Selector selector) {
        this.selector = selector;
    }

    void submit(ProbeAttempt attempt) {
        submitted.offer(attempt);
        wake();
    }

    void resolved(TargetResolver.Resolution resolution) {
        resolved.offer(resolution);
        wake();
    }

    ProbeAttempt pollSubmitted() {
        return submitted.poll();
    }

    TargetResolver.Resolution pollResolved() {
        return resolved.poll();
    }

    /** Called by the loop before it drains: a post after this point wakes the next select. */
    void rearm() {
        wakePending.set(false);
    }

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        selector.wakeup();
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }
}
