package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;

import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * A request body stream that must be read to its end within {@code timeout} and at no less than
 * {@code minRate} bytes per second (after one second of grace), else the read fails with 408.
 * The connection's idle timeout stays long for long polls, and a client sending a byte every few
 * seconds never trips it; so before each blocking read the connection's idle timeout is lowered to
 * the time the client has left, which bounds a stalled read as well as a trickle. It is restored by
 * {@link #close()}. A read of bytes the container already holds ({@code available()}) cannot wait and leaves the
 * idle timeout alone: lowering it reschedules the connection's idle timer (a task on Jetty's scheduler, which may
 * wake its thread), and a small body such as a heartbeat's nearly always arrives with its headers.
 */
final class BodyDeadline extends FilterInputStream {
    private static final long GRACE_MS = 1000;
    /** A read failing this close to its allowance failed because of it (the idle timeout fired). */
    private static final long SLACK_MS = 50;

    private final EndPoint endPoint;
    private final long restoreIdleMs;
    private final Clock clock;
    private final Duration timeout;
    private final long minRate;
    private final long start;
    private long bytes;
    /** Whether a read had to wait and lowered the idle timeout, which {@link #close()} then restores. */
    private boolean lowered;

    private BodyDeadline(InputStream in, EndPoint endPoint, Clock clock, Duration timeout, long minRate) {
        super(in);
        this.endPoint = endPoint;
        this.restoreIdleMs = endPoint == null ? 0 : endPoint.getIdleTimeout();
        this.clock = clock;
        this.timeout = timeout;
        this.minRate = minRate;
        this.start = clock.millis();
    }

    static BodyDeadline of(Context ctx, InputStream in, Clock clock, Duration timeout, long minRate) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        EndPoint endPoint = request == null ? null : request.getConnectionMetaData().getConnection().getEndPoint();
        return over(in, endPoint, clock, timeout, minRate);
    }

    /** {@link #of} with the connection's end point given (tests). */
    static BodyDeadline over(InputStream in, EndPoint endPoint, Clock clock, Duration timeout, long minRate) {
        return new BodyDeadline(in, endPoint, clock, timeout, minRate);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            // readNBytes ends with a read of nothing once it has all it asked for: it must not wait or touch the timer.
            return 0;
        }
        long until = allowedUntil();
        long now = clock.millis();
        int ready;
        try {
            ready = in.available();
        } catch (IOException e) {
            // The connection failed while its time ran out: a slow body (408), as a failed read is below.
            if (now >= until - SLACK_MS) {
                throw tooSlow();
            }
            throw e;
        }
        // Bytes already received are never "too slow": a server short of CPU must not refuse a body that is here.
        if (ready <= 0 && now >= until) {
            throw tooSlow();
        }
        if (ready <= 0 && endPoint != null) {
            endPoint.setIdleTimeout(Math.max(1, until - now));
            lowered = true;
        }
        int n;
        try {
            n = in.read(b, off, ready > 0 ? Math.min(len, ready) : len);
        } catch (IOException e) {
            if (clock.millis() >= until - SLACK_MS) {
                throw tooSlow();
            }
            throw e;
        }
        if (n > 0) {
            bytes += n;
        }
        if (n >= 0 && clock.millis() > start + timeout.toMillis()) {
            throw tooSlow();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        return Math.max(0, read(new byte[(int) Math.max(1, Math.min(n, 8192))]));
    }

    /** Restores the connection's idle timeout; the servlet stream itself stays open for the container. */
    @Override
    public void close() {
        if (lowered) {
            endPoint.setIdleTimeout(restoreIdleMs);
        }
    }

    /** The moment the client must have sent more than it has by: the deadline, or earlier if too slow. */
    private long allowedUntil() {
        long byRate = start + GRACE_MS + bytes * 1000 / minRate;
        return Math.min(start + timeout.toMillis(), byRate);
    }

    private ApiException tooSlow() {
        return new ApiException(ErrorCode.REQUEST_TIMEOUT, "request body did not arrive within " + timeout.toSeconds()
                + "s at " + minRate + " bytes per second or more");
    }
}
