package io.aami.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes HTTP/1 connections whose request line and headers take longer than {@code limit} to
 * arrive (slowloris), and connections that send no request at all within it. The idle timeout must
 * be long for long polls, and a client sending a header byte every few seconds never trips it.
 * Each connection is looked at every half {@code limit}: one seen waiting for the same request's
 * headers for {@code limit} or longer is cut off (so after {@code limit} to 1.5 × {@code limit}).
 */
final class HeaderDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration limit;

    HeaderDeadline(Scheduler scheduler, Duration limit) {
        this.scheduler = scheduler;
        this.limit = limit;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            schedule(new Watch(http, System.nanoTime()));
        }
    }

    private void schedule(Watch watch) {
        scheduler.schedule(() -> check(watch), Math.max(50, limit.toMillis() / 2), TimeUnit.MILLISECONDS);
    }

    private void check(Watch watch) {
        HttpConnection http = watch.connection;
        if (!http.getEndPoint().isOpen()) {
            return;
        }
        long now = System.nanoTime();
        long messages = http.getMessagesIn();
        boolean waiting = http.getParser().inHeaderState() || (messages == 0 && http.getParser().isStart());
        if (!waiting || !watch.waiting || messages != watch.messages) {
            watch.since = now;
        } else if (now - watch.since >= limit.toNanos()) {
            http.getEndPoint().close();
            return;
        }
        watch.waiting = waiting;
        watch.messages = messages;
        schedule(watch);
    }

    /** What was seen of one connection: its request count, and since when it has been waiting for headers. */
    private static final class Watch {
        final HttpConnection connection;
        long messages;
        long since;
        /** A new connection is waiting for its first request from the moment it opens. */
        boolean waiting = true;

        Watch(HttpConnection connection, long opened) {
            this.connection = connection;
            this.since = opened;
        }
    }
}
