package io.aami.agent.probes;

import io.aami.contract.probes.HttpProbeRules;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response as it arrives, with bounds: the status line and headers within
 * {@link HttpProbeRules#RESPONSE_HEAD_LIMIT}, the body (Content-Length, chunked or until the end of the
 * connection) kept up to {@link HttpProbeRules#BODY_READ_LIMIT} bytes, where reading stops. Interim 1xx responses are
 * skipped. A malformed response is a {@link Malformed}, which the prober reports as {@code http_error}.
 */
final class HttpResponseParser {
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private enum State { STATUS, HEADERS, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_EOF, DONE }

    private static final int MAX_CHUNK_LINE = 1_024;
    private final boolean head;
    private State state = State.STATUS;
    // Both grow as needed: thousands of probes in flight must not each hold 80 KiB they never use.
    private byte[] line = new byte[256];
    private int lineLength;
    private int headBytes;
    private final boolean keepBody;
    private byte[] body = new byte[0];
    /** Body bytes read (kept or not), at most the limit. */
    private int bodyLength;
    private long remaining;
    private int status;
    private long contentLength = -1;
    private boolean chunked;
    private String location;

    /**
     * {@code head}: the request was HEAD, so the response has no body whatever its headers say; {@code keepBody}: the
     * body is kept for body_regex (else only counted).
     */
    HttpResponseParser(boolean head, boolean keepBody) {
        this.head = head;
        this.keepBody = keepBody;
    }

    /** Consumes {@code in}; true once the response is complete (or its body read as far as it is kept). */
    boolean feed(ByteBuffer in) throws Malformed {
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    if (readLine(in)) {
                        onLine(new String(line, 0, lineLength, StandardCharsets.ISO_8859_1));
                        lineLength = 0;
                    }
                }
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    keep(in, n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.LENGTH ? State.DONE : State.CHUNK_END;
                    }
                }
                case UNTIL_EOF -> keep(in, in.remaining());
                default -> throw new IllegalStateException(state.name());
            }
            if (bodyLength == HttpProbeRules.BODY_READ_LIMIT && state != State.DONE) {
                state = State.DONE; // as far as the probe reads
            }
        }
        return state == State.DONE;
    }

    /** The connection ended: true when that completes the response (a body delimited by the end). */
    boolean end() throws Malformed {
        if (state == State.UNTIL_EOF) {
            state = State.DONE;
        }
        if (state != State.DONE) {
            throw new Malformed("the connection ended before the response was complete");
        }
        return true;
    }

    int status() {
        return status;
    }

    String location() {
        return location;
    }

    boolean started() {
        return headBytes > 0 || state != State.STATUS;
    }

    /** The body as read (at most the limit), for body_regex. */
    String body() {
        return new String(body, 0, Math.min(bodyLength, body.length), StandardCharsets.UTF_8);
    }

    private void keep(ByteBuffer in, int n) {
        int keep = Math.min(n, HttpProbeRules.BODY_READ_LIMIT - bodyLength);
        if (keepBody) {
            if (bodyLength + keep > body.length) {
                body = Arrays.copyOf(body, Math.min(HttpProbeRules.BODY_READ_LIMIT, Math.max(bodyLength + keep, body.length * 2)));
            }
            in.get(body, bodyLength, keep);
        } else {
            in.position(in.position() + keep);
        }
        bodyLength += keep;
        in.position(in.position() + (n - keep));
    }

    private boolean readLine(ByteBuffer in) throws Malformed {
        int limit = state == State.STATUS || state == State.HEADERS ? line.length : MAX_CHUNK_LINE;
        while (in.hasRemaining()) {
            byte b = in.get();
            if (state == State.STATUS || state == State.HEADERS) {
                headBytes++;
                if (headBytes > HttpProbeRules.RESPONSE_HEAD_LIMIT) {
                    throw new Malformed("the status line and headers exceed " + HttpProbeRules.RESPONSE_HEAD_LIMIT + " bytes");
                }
            }
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength == limit) {
                throw new Malformed("a line of the response is too long");
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, Math.min(HttpProbeRules.RESPONSE_HEAD_LIMIT, line.length * 2));
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private void onLine(String text) throws Malformed {
        switch (state) {
            case STATUS -> statusLine(text);
            case HEADERS -> {
                if (text.isEmpty()) {
                    endOfHeaders();
                } else {
                    header(text);
                }
            }
            case CHUNK_SIZE -> chunkSize(text);
            case CHUNK_END -> {
                if (!text.isEmpty()) {
                    throw new Malformed("a chunk is longer than its size");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (text.isEmpty()) {
                    state = State.DONE;
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void statusLine(String text) throws Malformed {
        if (!text.matches("HTTP/1\\.[01] [1-5][0-9]{2}( .*)?")) {
            throw new Malformed("not an HTTP/1.x status line");
        }
        status = Integer.parseInt(text.substring(9, 12));
        contentLength = -1;
        chunked = false;
        location = null;
        state = State.HEADERS;
    }

    private void header(String text) throws Malformed {
        int colon = text.indexOf(':');
        if (colon <= 0 || text.charAt(0) == ' ' || text.charAt(0) == '\t') {
            throw new Malformed("a malformed header line");
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        switch (name) {
            case "content-length" -> {
                if (!value.matches("[0-9]{1,18}") || contentLength >= 0 && contentLength != Long.parseLong(value)) {
                    throw new Malformed("a malformed or conflicting Content-Length");
                }
                contentLength = Long.parseLong(value);
            }
            case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
            case "location" -> location = value;
            default -> {
            }
        }
    }

    private void endOfHeaders() {
        if (status < 200) {
            state = State.STATUS; // an interim answer (100 Continue, 103 Early Hints): the real one follows
            headBytes = 0;
        } else if (head || status == 204 || status == 304) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.LENGTH;
        } else {
            state = State.UNTIL_EOF;
        }
    }

    private void chunkSize(String text) throws Malformed {
        int semi = text.indexOf(';');
        String hex = (semi < 0 ? text : text.substring(0, semi)).trim();
        if (!hex.matches("[0-9A-Fa-f]{1,15}")) {
            throw new Malformed("a malformed chunk size");
        }
        remaining = Long.parseLong(hex, 16);
        state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
    }
}
