package io.aami.agent.probes.icmp;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** Runs code on a thread of its own that has joined a network namespace (setns affects only the calling thread). */
final class NetnsThread {
    private static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private NetnsThread() {
    }

    private static native int open(String path, int flags);

    private static native int setns(int fd, int nstype);

    private static native int close(int fd);

    static void run(String namespace, Runnable body) throws InterruptedException {
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                int fd = open("/run/netns/" + namespace, 0);
                if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
                    throw new IllegalStateException("cannot join network namespace " + namespace + ": errno " + Native.getLastError());
                }
                close(fd);
                body.run();
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "netns-" + namespace);
        t.start();
        t.join();
        if (failed[0] != null) {
            throw new AssertionError(failed[0]);
        }
    }
}
