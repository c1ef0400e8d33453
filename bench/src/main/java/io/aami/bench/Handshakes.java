package io.aami.bench;

import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * TLS handshakes of the fleet's connections, full or resumed. The JDK exposes no "resumed" flag; it
 * does carry a session's bound values into the session it resumes (a TLS 1.3 PSK from a session
 * ticket, whose creation time is the original's too), so each finished handshake marks its session
 * and finds the mark already there when it was a resumption.
 */
final class Handshakes implements SslHandshakeListener {
    private static final String MARK = "aami-bench.handshake";

    /** Counts at one moment; {@code resumedOld}: resumed sessions made before {@link #mark} (across a server restart). */
    record Counts(long full, long resumed, long resumedOld, long failed) {
        Counts minus(Counts earlier) {
            return new Counts(full - earlier.full, resumed - earlier.resumed, resumedOld - earlier.resumedOld,
                    failed - earlier.failed);
        }
    }

    private final LongAdder full = new LongAdder();
    private final LongAdder resumed = new LongAdder();
    private final LongAdder resumedOld = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile long markMillis = Long.MIN_VALUE;

    @Override
    public void handshakeSucceeded(Event event) {
        SSLSession session = event.getSSLEngine().getSession();
        if (session.getValue(MARK) != null) {
            resumed.increment();
            // A resumed session keeps the creation time of the one it resumes.
            if (session.getCreationTime() < markMillis) {
                resumedOld.increment();
            }
        } else {
            full.increment();
            session.putValue(MARK, Boolean.TRUE);
        }
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
        failed.increment();
    }

    /** From now on a resumption of a session made before counts as {@code resumedOld} (call it as the server stops). */
    void mark() {
        markMillis = System.currentTimeMillis();
    }

    Counts counts() {
        return new Counts(full.sum(), resumed.sum(), resumedOld.sum(), failed.sum());
    }
}
