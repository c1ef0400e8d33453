package io.aami.agent.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process is: the privilege decisions (sandbox, state dir ownership) hinge on it. */
public final class ProcessUid {
    private ProcessUid() {
    }

    /**
     * The effective uid of this process, from /proc/self/status ("Uid: real effective saved fs").
     *
     * @throws IllegalStateException without Linux /proc
     */
    public static long effective() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
            throw new IllegalStateException("/proc/self/status has no Uid line");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this process's uid from /proc/self/status (the agent needs"
                    + " Linux /proc): " + e.getMessage(), e);
        }
    }
}
