package io.aami.agent.util;

import io.aami.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timer thread for many users: the agent's check and probe schedulers, their run histories and the
 * spools' interval fsync share {@code aami-timer} (issue 14: six timer threads, each idle nearly always).
 * Each user takes a {@link Lease}; closing it stops that user's tasks without stopping the thread. Tasks
 * must be short (start a run): a long one delays everyone's. Disk work (fsync a segment, write a run history)
 * is not short when the disk is slow, so the timer only triggers it: it runs on a second thread, the disk
 * thread ({@code aami-disk}), shared by every user's disk work, and a stalled disk delays no check or probe start.
 */
public final class SharedTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTimer.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final String threadName;
    private final ScheduledThreadPoolExecutor executor;
    private final ExecutorService disk;

    /** Threads {@code threadName} and {@code threadName-disk}. */
    public SharedTimer(String threadName) {
        this(threadName, threadName + "-disk");
    }

    public SharedTimer(String threadName, String diskThreadName) {
        this.threadName = threadName;
        this.disk = Executors.newSingleThreadExecutor(r -> DaemonThreads.thread(diskThreadName, r));
        this.executor = new ScheduledThreadPoolExecutor(1, r -> DaemonThreads.thread(threadName, r));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** A new user's view of the timer. */
    public Lease lease() {
        return new Lease();
    }

    /** Stops both threads (after every lease is closed); a task still running is left to finish. */
    @Override
    public void close() {
        executor.shutdownNow();
        disk.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    || !disk.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("timer threads {} did not stop within {}", threadName, CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One user's tasks on the shared thread. After {@link #close} none of them starts again, and close
     * returns only once the one running (if any) has finished, as shutting down a timer of one's own would.
     */
    public final class Lease implements AutoCloseable {
        private final Object lock = new Object();
        private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
        private boolean closed;
        private int running;

        private Lease() {
        }

        /** Runs {@code task} once after {@code delay}, unless this lease is closed by then. */
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            return executor.schedule(() -> run(task), delay, unit);
        }

        /** Runs {@code task} every {@code delay} from {@code initialDelay} on until this lease is closed. */
        public void scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
            synchronized (lock) {
                if (!closed) {
                    periodic.add(executor.scheduleWithFixedDelay(() -> run(task), initialDelay, delay, unit));
                }
            }
        }

        /** Runs disk work {@code task} once after {@code delay} on the disk thread; the timer thread only hands it over. */
        public void scheduleOnDisk(Runnable task, long delay, TimeUnit unit) {
            executor.schedule(() -> toDisk(task, null), delay, unit);
        }

        /**
         * Runs disk work {@code task} on the disk thread every {@code delay} until this lease is closed. A trigger
         * finding the last run still queued or running (a slow disk) is skipped, so runs never pile up.
         */
        public void scheduleOnDiskWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
            AtomicBoolean pending = new AtomicBoolean();
            scheduleWithFixedDelay(() -> toDisk(task, pending), initialDelay, delay, unit);
        }

        private void toDisk(Runnable task, AtomicBoolean pending) {
            if (pending != null && !pending.compareAndSet(false, true)) {
                return;
            }
            try {
                disk.execute(() -> {
                    try {
                        run(task);
                    } finally {
                        if (pending != null) {
                            pending.set(false);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                if (pending != null) {
                    pending.set(false); // the timer is closing
                }
            }
        }

        private void run(Runnable task) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                running++;
            }
            try {
                task.run();
            } finally {
                synchronized (lock) {
                    running--;
                    lock.notifyAll();
                }
            }
        }

        /** Cancels this user's tasks and waits for the running one; never from one of its own tasks. */
        @Override
        public void close() {
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            synchronized (lock) {
                closed = true;
                periodic.forEach(f -> f.cancel(false));
                periodic.clear();
                try {
                    while (running > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            LOG.warn("a task on {} still running after {}; leaving it behind", threadName, CLOSE_WAIT);
                            return;
                        }
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
