package io.aami.server.feature;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the running server holds open; closed in the reverse order it was opened (the API first, the database last). */
public final class Resources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

    private final List<AutoCloseable> first = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** Registers a resource that has just opened (or a task that must run at shutdown). */
    public synchronized void opened(AutoCloseable resource) {
        open.add(0, resource);
    }

    /**
     * Registers a task that runs before everything else at shutdown, even before the API stops: it
     * answers requests held open (long polls), so stopping the API cuts none off.
     */
    public synchronized void releaseFirst(AutoCloseable task) {
        first.add(task);
    }

    /** Runs the {@link #releaseFirst} tasks, then closes everything newest first; a failure is logged and the rest still close. */
    @Override
    public synchronized void close() {
        List<AutoCloseable> all = new ArrayList<>(first);
        all.addAll(open);
        first.clear();
        open.clear();
        for (AutoCloseable r : all) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.getMessage());
            }
        }
    }
}
