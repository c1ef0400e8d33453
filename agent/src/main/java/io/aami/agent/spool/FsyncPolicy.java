package io.aami.agent.spool;

import java.util.Locale;

/**
 * When the spool forces appended records from the OS page cache to the disk. Every append is one
 * {@code write(2)} into the kernel before {@code append} returns, so a process crash (kill -9, OOM
 * kill, JVM crash) loses nothing under any policy; the policies differ only on power failure or a
 * kernel crash. See {@link ResultSpool} for the exact guarantee of each.
 */
public enum FsyncPolicy {
    /** fsync after every record, before {@code append} returns. */
    ALWAYS,
    /** fsync from a background thread every {@code fsyncInterval}, and on segment roll and close. */
    INTERVAL,
    /** Never fsync records; the OS writes them back when it likes (Linux: within ~30 s by default). */
    NEVER;

    /** The policy for a config value {@code always}, {@code interval} or {@code never}. */
    public static FsyncPolicy fromConfig(String value) {
        if (value == null) {
            throw new IllegalArgumentException("spool fsync policy must be always, interval or never, got null");
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spool fsync policy must be always, interval or never, got '" + value + "'");
        }
    }
}
