package io.aami.common.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory of both processes: daemon threads (a stuck worker never holds the JVM open
 * past shutdown; every loop still stops on its own signal) named {@code <name>-<n>} so a thread dump
 * says which pool a thread belongs to.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A factory of daemon threads named {@code name-1}, {@code name-2}, … */
    public static ThreadFactory factory(String name) {
        AtomicInteger next = new AtomicInteger();
        return r -> thread(name + "-" + next.incrementAndGet(), r);
    }

    /** One daemon thread named exactly {@code name}, not yet started. */
    public static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
