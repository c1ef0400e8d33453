package io.aami.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes TLS connections that have not completed their handshake within {@code limit}. The idle
 * timeout must be long (long polls hold connections for a minute), so without this a client that
 * opens sockets and never finishes the handshake would hold each one that long.
 */
final class HandshakeTimeout implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration limit;

    HandshakeTimeout(Scheduler scheduler, Duration limit) {
        this.scheduler = scheduler;
        this.limit = limit;
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection instanceof SslConnection ssl)) {
            return;
        }
        AtomicBoolean finished = new AtomicBoolean();
        ssl.addHandshakeListener(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                finished.set(true);
            }

            @Override
            public void handshakeFailed(Event event, Throwable failure) {
                finished.set(true);
            }
        });
        scheduler.schedule(() -> {
            if (!finished.get()) {
                ssl.getEndPoint().close();
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }
}
