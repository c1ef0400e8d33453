package io.aami.terraform.plugin;

/**
 * Ends the provider's process at once. Terraform waits for each provider process to be gone, and the JVM,
 * System.exit or halt alike, first waits up to 300 ms for every thread still in native code (a thread blocked
 * in the kernel: a selector of the JDK's HTTP client, say) before it ends. So: interrupt the application's
 * other threads (the HTTP client's selector ends when interrupted; parked pool threads merely wake), give them
 * a few milliseconds to leave the kernel, flush, and halt. No shutdown hook of ours needs running: the
 * provider keeps nothing on disk.
 */
public final class FastExit {
    private FastExit() {
    }

    public static void halt(int status) {
        quiesce(100);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /**
     * Interrupts the other threads of the caller's thread group (the application's; the JVM's own are elsewhere)
     * and waits up to {@code maxMillis} until none is runnable. Returns how many still are.
     */
    public static int quiesce(long maxMillis) {
        Thread me = Thread.currentThread();
        Thread[] all = new Thread[me.getThreadGroup().activeCount() + 16];
        int n = me.getThreadGroup().enumerate(all, true);
        for (int i = 0; i < n; i++) {
            if (all[i] != me) {
                all[i].interrupt();
            }
        }
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (true) {
            int running = 0;
            for (int i = 0; i < n; i++) {
                if (all[i] != me && all[i].getState() == Thread.State.RUNNABLE) {
                    running++;
                }
            }
            if (running == 0 || System.nanoTime() >= deadline) {
                return running;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return running;
            }
        }
    }
}
