package io.aami.agent.schedule;

import io.aami.agent.util.SharedTimer;
import io.aami.agent.util.DurableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each job of a {@link PhasedScheduler} last started, and under which definition
 * ({@link JobFingerprint}), kept in a file of the state directory so a restarted agent resumes its
 * jobs' cadence instead of running them all at once (see {@link Phases#startSlotMillis}).
 *
 * <ul>
 *   <li>Starts are recorded in memory; the file is rewritten (durably, atomically, 0600) every
 *       {@link #FLUSH_INTERVAL} when something changed, and at {@link #close}: never an fsync per run.
 *       A catch-up start (a new, changed or overdue job) is written within {@link #PROMPT_FLUSH_DELAY},
 *       so an agent killed again and again still learns that those jobs ran. A lost write only makes
 *       some job run earlier after the next restart.</li>
 *   <li>Holds only the jobs currently scheduled ({@link #retain} at every apply): it does not grow as
 *       jobs come and go, and the file is bounded ({@link RunHistoryFile}).</li>
 *   <li>A missing, unreadable or malformed file is logged and ignored: every job starts as a new one,
 *       as it would without this class. Only root writes the state directory; what the file says can at
 *       worst delay a job by 1½ intervals.</li>
 * </ul>
 */
public final class RunHistory implements AutoCloseable {
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(30);
    static final Duration PROMPT_FLUSH_DELAY = Phases.FIRST_RUN_SPREAD;
    private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);

    /** One job's last start (epoch millis of the scheduler's clock) under the definition {@code fingerprint}. */
    record Entry(String fingerprint, long startedMs) {
    }

    private final Path file;
    private final SharedTimer ownTimer;
    private final SharedTimer.Lease flusher;
    private final Object lock = new Object();
    private final Object writeLock = new Object();
    private final Map<String, Entry> entries;
    private boolean dirty;
    private boolean promptPending;
    private boolean closed;
    private boolean failing;

    private RunHistory(Path file, Map<String, Entry> loaded, String name, SharedTimer shared) {
        this.file = file;
        this.entries = new HashMap<>(loaded);
        if (file == null) {
            this.ownTimer = null;
            this.flusher = null;
            return;
        }
        this.ownTimer = shared == null ? new SharedTimer("aami-" + name + "-history") : null;
        this.flusher = (shared == null ? ownTimer : shared).lease();
        long period = FLUSH_INTERVAL.toMillis();
        flusher.scheduleOnDiskWithFixedDelay(this::flush, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * The history kept in {@code file}, read now; its flush thread is {@code aami-<name>-history-disk}.
     * Never fails for the file's sake: see the class comment.
     */
    public static RunHistory open(Path file, String name) {
        return open(file, name, null);
    }

    /** The same, flushed on {@code shared}'s disk thread (null: a thread of its own, as above). */
    public static RunHistory open(Path file, String name, SharedTimer shared) {
        Map<String, Entry> loaded;
        try {
            loaded = RunHistoryFile.read(file);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("ignoring the {} run history {} ({}): every {} job starts as a new one", name, file,
                    e.getMessage(), name);
            loaded = Map.of();
        }
        return new RunHistory(file, loaded, name, shared);
    }

    /** A history without a file: a restart forgets it, as before there was one. */
    public static RunHistory inMemory() {
        return new RunHistory(null, Map.of(), "memory", null);
    }

    /** {@code <stateDir>/<name>.last-runs}: where a scheduler named {@code name} keeps its history. */
    public static Path fileIn(Path stateDir, String name) {
        return stateDir.resolve(name + ".last-runs");
    }

    /** When job {@code key} last started under the definition {@code fingerprint}, if known. */
    OptionalLong lastStart(String key, String fingerprint) {
        synchronized (lock) {
            Entry e = entries.get(key);
            return e != null && e.fingerprint().equals(fingerprint) ? OptionalLong.of(e.startedMs()) : OptionalLong.empty();
        }
    }

    /** Job {@code key} (definition {@code fingerprint}) started at {@code startedMs}; {@code prompt}: a catch-up start. */
    void started(String key, String fingerprint, long startedMs, boolean prompt) {
        synchronized (lock) {
            entries.put(key, new Entry(fingerprint, startedMs));
            dirty = true;
            if (prompt && flusher != null && !closed && !promptPending) {
                promptPending = true;
                flusher.scheduleOnDisk(this::flush, PROMPT_FLUSH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Forgets every job not in {@code keys}: a job that left the schedule starts as a new one if it returns. */
    void retain(Set<String> keys) {
        synchronized (lock) {
            dirty |= entries.keySet().retainAll(keys);
        }
    }

    /** Writes the file if anything changed since the last write. */
    void flush() {
        if (file == null) {
            return;
        }
        synchronized (writeLock) {
            TreeMap<String, Entry> snapshot;
            synchronized (lock) {
                promptPending = false;
                if (!dirty) {
                    return;
                }
                dirty = false;
                snapshot = new TreeMap<>(entries);
            }
            write(snapshot);
        }
    }

    /** Stops the periodic flush, then writes what is still unwritten. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (flusher != null) {
            flusher.close();
        }
        if (ownTimer != null) {
            ownTimer.close();
        }
        flush();
    }

    private void write(TreeMap<String, Entry> snapshot) {
        try {
            DurableFile.write(file, RunHistoryFile.format(snapshot));
            if (failing) {
                LOG.info("run history {} written again", file);
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                dirty = true;
            }
            // Once per failing stretch: a full disk must not fill the log every 30 s.
            if (!failing) {
                LOG.warn("cannot write the run history {} ({}); jobs may run early after a restart", file, e.toString());
                failing = true;
            }
        }
    }
}
