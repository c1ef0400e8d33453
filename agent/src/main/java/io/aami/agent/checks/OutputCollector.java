package io.aami.agent.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains a script's output while it runs, keeping only the beginning. It reads to the end whatever
 * the script writes, discarding past the cap, so the script never blocks on a full pipe (its exit code
 * stays its own) and the agent's memory stays bounded however much it prints.
 */
final class OutputCollector implements Runnable {
    /** The most one {@link #drainAvailable} reads, so a fast writer cannot keep its poller from its deadline. */
    static final int DRAIN_STEP = 1 << 20;
    private final InputStream in;
    private final int maxBytes;
    /** One byte past the cap is kept, to tell whether the cut splits a UTF-8 character. */
    private final ByteArrayOutputStream kept;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile long total;

    OutputCollector(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.kept = new ByteArrayOutputStream(Math.min(maxBytes + 1, 8192));
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                keep(buffer, n);
            }
        } catch (IOException e) {
            // The pipe was closed under us (agent shutting down); what was read so far stands.
        } finally {
            ended.countDown();
        }
    }

    /**
     * Reads what the pipe holds now without blocking (at most {@link #DRAIN_STEP} bytes), for a caller
     * that polls between waits instead of giving the pipe a thread of its own; returns the bytes read.
     */
    int drainAvailable() throws IOException {
        int read = 0;
        byte[] buffer = null;
        for (int n = in.available(); n > 0 && read < DRAIN_STEP; n = in.available()) {
            buffer = buffer == null ? new byte[8192] : buffer;
            int got = in.read(buffer, 0, Math.min(n, buffer.length));
            if (got < 0) {
                break;
            }
            keep(buffer, got);
            read += got;
        }
        return read;
    }

    /**
     * Reads what the pipe still holds, at most {@link #DRAIN_STEP} bytes (the most a pipe can hold:
     * fs.pipe-max-size), and closes it, never waiting for a writer. For a run whose processes are all
     * gone (its cgroup emptied): whatever they wrote is in the pipe already, so this is all the output
     * there will be; a copy of the pipe handed to a process outside the run (over a unix socket, or taken
     * with pidfd_getfd) must not hold the check worker, neither by a blocking read to the end nor by
     * writing as fast as it is read.
     */
    void drainRest() {
        try (in) {
            drainAvailable();
        } catch (IOException e) {
            // Closed under us (agent shutting down); what was read so far stands.
        } finally {
            ended.countDown();
        }
    }

    private void keep(byte[] buffer, int n) {
        int room = maxBytes + 1 - kept.size();
        if (room > 0) {
            synchronized (kept) {
                kept.write(buffer, 0, Math.min(room, n));
            }
        }
        total += n;
    }

    /** Waits for end of output, i.e. until every process holding the pipe has exited. */
    boolean awaitEnd(Duration wait) throws InterruptedException {
        return ended.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean truncated() {
        return total > maxBytes;
    }

    /**
     * The kept output as text, cut back to a UTF-8 character boundary when truncated. NUL becomes
     * U+FFFD: PostgreSQL text cannot hold it, so the server refuses it (400) and the agent would drop
     * the whole result for one stray byte of a binary a script printed.
     */
    String text() {
        byte[] bytes;
        synchronized (kept) {
            bytes = kept.toByteArray();
        }
        return OutputCut.prefix(bytes, bytes.length, maxBytes).replace('\u0000', '\uFFFD');
    }
}
