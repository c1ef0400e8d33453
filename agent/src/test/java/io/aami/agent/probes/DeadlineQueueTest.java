package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {
    private static ProbeAttempt attempt(long deadline) {
        ProbeAttempt a = new ProbeAttempt(null, null, 0);
        a.deadlineNanos = deadline;
        return a;
    }

    @Test
    void yieldsEarliestFirstAfterRandomAddsAndRemovals() {
        Random random = new Random(42);
        DeadlineQueue queue = new DeadlineQueue();
        List<ProbeAttempt> live = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ProbeAttempt a = attempt(Long.MAX_VALUE - 1_000_000 + random.nextInt(2_000_000)); // deadlines wrap around
            queue.add(a);
            live.add(a);
            if (random.nextInt(3) == 0) {
                ProbeAttempt gone = live.remove(random.nextInt(live.size()));
                queue.remove(gone);
                assertThat(gone.heapIndex).isEqualTo(-1);
            }
        }
        live.sort(Comparator.comparingLong(a -> a.deadlineNanos - Long.MAX_VALUE));

        assertThat(queue.size()).isEqualTo(live.size());
        for (ProbeAttempt expected : live) {
            ProbeAttempt head = queue.peek();
            assertThat(head.deadlineNanos).isEqualTo(expected.deadlineNanos);
            queue.remove(head);
        }
        assertThat(queue.peek()).isNull();
    }

    @Test
    void removingAnAttemptNotQueuedIsHarmlessAndDrainEmptiesTheQueue() {
        DeadlineQueue queue = new DeadlineQueue();
        ProbeAttempt stray = attempt(5);
        queue.remove(stray);
        queue.add(attempt(3));
        queue.add(attempt(1));
        List<Long> drained = new ArrayList<>();

        queue.drain(a -> drained.add(a.deadlineNanos));

        assertThat(drained).containsExactlyInAnyOrder(1L, 3L);
        assertThat(queue.size()).isZero();
        assertThat(queue.peek()).isNull();
    }
}
