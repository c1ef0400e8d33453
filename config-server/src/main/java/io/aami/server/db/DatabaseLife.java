package io.aami.server.db;

/**
 * What the server knows about its database process beyond "does it answer": for the embedded
 * PostgreSQL, whether its postmaster is running or being restarted (and why); an external one is
 * someone else's to run, so it is always {@link #RUNNING} here and only pings tell.
 */
public interface DatabaseLife {
    String RUNNING = "running";
    String RESTARTING = "restarting";

    /** {@link #RUNNING} or {@link #RESTARTING}. */
    String state();

    /** Why it is not running (the last exit or failed restart), or null. */
    String reason();

    DatabaseLife EXTERNAL = new DatabaseLife() {
        @Override
        public String state() {
            return RUNNING;
        }

        @Override
        public String reason() {
            return null;
        }
    };
}
