package io.aami.terraform.plugin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The warm JVM's side of the rendezvous directory ({@link InstanceServer}): the directory's checks, its pipes (opened
 * read-write, so that no open waits for the other side and no read sees end of file between writers, and never
 * through a link), and a request read whole within a bound.
 */
final class Rendezvous {
    /** How long a launcher may take to send its request once it has announced it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private Rendezvous() {
    }

    /** Reads the request until its {@code end} line, at most {@link InstanceRequest#MAX_BYTES}, within the timeout. */
    static String readRequest(FileChannel in) throws IOException {
        Thread reader = Thread.currentThread();
        Object lock = new Object();
        boolean[] done = {false};
        Thread timer = PluginServer.daemon(() -> {
            try {
                Thread.sleep(REQUEST_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (!done[0]) {
                    reader.interrupt(); // the channel closes, and the read below fails
                }
            }
        }, "request-timeout");
        ByteBuffer buf = ByteBuffer.allocate(InstanceRequest.MAX_BYTES);
        try {
            while (!endsWithEnd(buf)) {
                if (!buf.hasRemaining() || in.read(buf) < 0) {
                    throw new IOException("request too long or cut short");
                }
            }
        } finally {
            synchronized (lock) {
                done[0] = true;
            }
            timer.interrupt(); // not a thread for 5 s a start
            Thread.interrupted();
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    /** The last item is {@code end}, NUL-ended, after a NUL (or alone). */
    private static boolean endsWithEnd(ByteBuffer buf) {
        int n = buf.position();
        byte[] a = buf.array();
        return n >= 4 && a[n - 4] == 'e' && a[n - 3] == 'n' && a[n - 2] == 'd' && a[n - 1] == 0 && (n == 4 || a[n - 5] == 0);
    }

    static FileChannel openPipe(Path p) throws IOException {
        if (!Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(p + " is not a pipe");
        }
        return FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    /** A directory of ours that nobody else may enter: owned by this process's user, mode 0700, not a link. */
    static void requirePrivate(Path d) throws IOException {
        PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || !owner.equals((int) new com.sun.security.auth.module.UnixSystem().getUid())
                || !PosixFilePermissions.toString(a.permissions()).equals("rwx------")) {
            throw new IOException(d + " must be a directory of this user's with mode 0700");
        }
    }

    static void delete(Path pipe) {
        try {
            if (pipe != null) {
                Files.deleteIfExists(pipe);
            }
        } catch (IOException e) {
            // The launcher removes its pipes too.
        }
    }
}
