package io.aami.agent.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body that fails with 413 as soon as more than {@code max} bytes arrive; nothing is buffered here. */
final class BoundedInput extends FilterInputStream {
    private final long max;
    private long read;

    BoundedInput(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    private void count(long n) {
        read += n;
        if (read > max) {
            throw new LocalApiException(413, "PAYLOAD_TOO_LARGE", "request body exceeds " + max + " bytes");
        }
    }
}
