package io.aami.server.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.channels.SelectableChannel;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.AbstractConnector;

/**
 * Admission control for TLS handshakes, so a reconnect storm cannot collapse the server (issue 14).
 *
 * <p>Why: a full handshake costs the server a few milliseconds of CPU (key share, signature, the client
 * certificate's checks). Without a bound, 10,000 agents reconnecting at once are all accepted and all
 * handshake at the same time, each getting a sliver of the CPU; none finishes within
 * {@code http.tls_handshake_timeout}, so each is closed and retried and the work is thrown away. The
 * storm benchmark saw exactly that: 5,000 agents, the server's CPU spent on twenty ClientHellos for every
 * handshake completed, 89 agents back after two minutes. With at most {@code max} handshakes in progress the
 * connector stops accepting while it is full: the rest wait in the kernel's accept queue, or their SYN
 * is retried by TCP, both at no CPU cost, and every handshake admitted finishes in milliseconds.
 *
 * <p>A connection takes its place the moment it is accepted (counting later, when its TLS connection
 * opens, let the selector accept thousands before the first was counted) and holds it until its handshake
 * succeeds, fails, or the connection closes (at the latest at the handshake timeout), so a client that opens connections and sends nothing could hold every place;
 * one source address (an IPv6 host: its /64) may therefore hold at most {@code maxPerAddress}: a connection
 * beyond that is closed before any of its bytes is read. And while every place is taken, places are
 * reclaimed: a connection that has sent nothing for {@link #SILENT_AFTER}, or whose handshake has run for
 * half the handshake timeout, is closed, so a few hosts opening connections and sending nothing cannot
 * keep the listener paused. A real client sends its ClientHello at once, and with the limit in place an
 * admitted handshake takes milliseconds of CPU, plus a round trip or two.
 *
 * <p>Metrics: {@code aami_tls_handshakes_in_progress} (gauge), {@code aami_tls_accept_pauses_total}
 * (times the connector stopped accepting because the limit was reached),
 * {@code aami_tls_handshakes_refused_total} (connections closed for their address's limit),
 * {@code aami_tls_handshakes_reclaimed_total} (places reclaimed while full).
 */
final class HandshakeLimit implements SelectorManager.AcceptListener, Connection.Listener {
    /** While full, a place whose connection has sent no byte for this long is reclaimed. */
    static final Duration SILENT_AFTER = Duration.ofSeconds(2);
    private static final long SWEEP_MILLIS = 250;

    private final AbstractConnector connector;
    private final long reclaimAfterNanos;
    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final ConcurrentHashMap<SelectableChannel, Place> places = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final Counter pauses;
    private final Counter refused;
    private final Counter reclaimed;
    private boolean paused;

    /** @param handshakeTimeout a handshake running half of it is reclaimed while every place is taken */
    HandshakeLimit(AbstractConnector connector, int max, int maxPerAddress, Duration handshakeTimeout, PrometheusRegistry registry) {
        this.connector = connector;
        this.reclaimAfterNanos = handshakeTimeout.dividedBy(2).toNanos();
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        GaugeWithCallback.builder().name("aami_tls_handshakes_in_progress")
                .help("TLS connections accepted whose handshake has not finished").callback(cb -> cb.call(inProgress.get()))
                .register(registry);
        this.pauses = Counter.builder().name("aami_tls_accept_pauses_total")
                .help("Times the TLS listener stopped accepting because http.max_tls_handshakes were in progress")
                .register(registry);
        this.refused = Counter.builder().name("aami_tls_handshakes_refused_total")
                .help("TLS connections closed unread because their address had http.max_tls_handshakes_per_address in progress")
                .register(registry);
        this.reclaimed = Counter.builder().name("aami_tls_handshakes_reclaimed_total")
                .help("TLS handshakes closed while every place was taken: silent for 2s, or running half the handshake timeout")
                .register(registry);
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        places.put(channel, new Place(channel));
        if (inProgress.incrementAndGet() >= max) {
            updateAccepting();
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        giveBack(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        giveBack(channel);
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection instanceof SslConnection ssl)) {
            return;
        }
        EndPoint endPoint = ssl.getEndPoint();
        Place place = endPoint instanceof SelectableChannelEndPoint e ? places.get(e.getChannel()) : null;
        if (place == null) {
            return;
        }
        InetAddress address = addressOf(endPoint.getRemoteSocketAddress());
        if (address != null && !place.countAddress(addressKey(address))) {
            refused.inc();
            endPoint.close();
            return;
        }
        place.connection = ssl;
        ssl.addHandshakeListener(place);
    }

    private void giveBack(SelectableChannel channel) {
        Place place = places.remove(channel);
        if (place == null) {
            return;
        }
        place.end();
        if (inProgress.decrementAndGet() < max) {
            updateAccepting();
        }
    }

    /** One accepted connection's place, given back once: when its handshake ends, or when it closes. */
    private final class Place implements SslHandshakeListener {
        private final SelectableChannel channel;
        private final long acceptedNanos = System.nanoTime();
        /** Set once its TLS connection opened; before that there is nothing to close but the channel. */
        private volatile SslConnection connection;
        /** The address counted in {@link #perAddress} for this place, if any. */
        private InetAddress counted;
        private boolean ended;

        Place(SelectableChannel channel) {
            this.channel = channel;
        }

        /** Counts this connection for its address; false (nothing counted) when the address has its share already. */
        synchronized boolean countAddress(InetAddress address) {
            if (ended) {
                return true;
            }
            if (perAddress.merge(address, 1, Integer::sum) > maxPerAddress) {
                release(address);
                return false;
            }
            counted = address;
            return true;
        }

        /** Ends the place: its address's count, if taken, is given back, and none is taken after this. */
        synchronized void end() {
            ended = true;
            if (counted != null) {
                release(counted);
                counted = null;
            }
        }

        @Override
        public void handshakeSucceeded(Event event) {
            giveBack(channel);
        }

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            giveBack(channel);
        }
    }

    /** Pauses or resumes accepting as the count now says; serialized so a pause never overtakes a resume. */
    private synchronized void updateAccepting() {
        boolean full = inProgress.get() >= max;
        if (full != paused) {
            paused = full;
            if (full) {
                pauses.inc();
                scheduleReclaim();
            }
            connector.setAccepting(!full);
        }
    }

    private void scheduleReclaim() {
        connector.getScheduler().schedule(this::reclaim, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** While full: closes the places of silent connections and of handshakes running too long (they end through onClosed). */
    private void reclaim() {
        synchronized (this) {
            if (!paused) {
                return;
            }
            scheduleReclaim();
        }
        long now = System.nanoTime();
        for (Place p : places.values()) {
            SslConnection c = p.connection;
            long age = now - p.acceptedNanos;
            if (c != null && (age > reclaimAfterNanos || age > SILENT_AFTER.toNanos() && c.getBytesIn() <= 0)) {
                reclaimed.inc();
                c.getEndPoint().close();
            }
        }
    }

    /** One place fewer for {@code address}; the entry goes at zero, so the map holds only addresses handshaking now. */
    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    int inProgress() {
        return inProgress.get();
    }

    /** What one source is counted by: an IPv4 address, or an IPv6 address's /64 (one host can use all of it). */
    static InetAddress addressKey(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
