package io.aami.agent.probes.icmp;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The eventfd other threads wake the {@link IcmpLoop} thread through, out of its poll(2): one write per batch of
 * wake-ups the loop has not taken yet, and none once the loop has shut it (the number may be another file's by the
 * time it is closed, and a write would land there).
 */
final class IcmpWakeup {
    private final int fd;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final byte[] readBuf = new byte[8];
    private boolean shut; // guarded by this

    IcmpWakeup(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    /** Any thread. */
    void wake() {
        if (pending.compareAndSet(false, true)) {
            byte[] one = new byte[8];
            IcmpPackets.putNativeInt(one, 0, 1);
            synchronized (this) {
                if (!shut) {
                    LibC.write(fd, one, 8);
                }
            }
        }
    }

    /** The loop, before it looks at what was submitted: a wake-up from now on writes again. */
    void rearm() {
        pending.set(false);
    }

    /** The loop, when poll(2) found the eventfd readable: resets its counter. */
    void consume() {
        LibC.read(fd, readBuf, 8);
    }

    /** The loop, leaving: no write from now on, and the file closed. */
    void close() {
        synchronized (this) {
            shut = true;
        }
        LibC.close(fd);
    }
}
