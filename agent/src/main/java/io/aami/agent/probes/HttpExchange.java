package io.aami.agent.probes;

import io.aami.contract.probes.HttpProbeOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP(S) probe's state on the loop thread: the current hop (scheme, port, path; a followed redirect starts a
 * new hop on a new connection to the same address), the request bytes, the response parser and the phase timings
 * the result reports (connect and TLS summed over hops, first byte of the last hop).
 */
final class HttpExchange {
    final HttpProbeOptions options;
    /** The name in the Host header, SNI and certificate check: server_name, else the target as given. */
    final String hostName;
    private final String targetLiteral;
    private final Set<String> visited = new HashSet<>();
    int redirects;

    boolean tls;
    int port;
    String path;
    String method;
    boolean connected;
    TlsIo tlsIo;
    boolean handshook;
    ByteBuffer request;
    boolean sent;
    HttpResponseParser response;

    long connectNanos;
    long tlsNanos;
    long tlsStartNanos;
    long sentNanos;
    long firstByteNanos = -1;
    Instant certNotAfter;
    int status;

    HttpExchange(ValidatedProbe probe) {
        this.options = probe.http();
        this.targetLiteral = probe.targetAddress() == null ? null : probe.targetAddress().getHostAddress();
        this.hostName = options.serverName() != null ? options.serverName() : probe.target().toLowerCase(Locale.ROOT);
        this.method = options.method();
        hop(probe.protocol() == io.aami.contract.probes.ProbeProtocol.HTTPS, probe.targetPort(), options.path());
    }

    /** Starts a hop: the connection and response state are new, the timings go on. */
    private void hop(boolean tls, int port, String path) {
        this.tls = tls;
        this.port = port;
        this.path = path;
        visited.add(tls + "|" + port + "|" + path);
        connected = false;
        tlsIo = null;
        handshook = false;
        sent = false;
        firstByteNanos = -1;
        response = new HttpResponseParser("HEAD".equals(method), options.bodyRegex() != null);
        request = ByteBuffer.wrap(render());
    }

    /** The redirect status codes a probe follows when asked to. */
    static boolean redirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    enum Next { FOLLOW, LOOP, NOT_FOLLOWED }

    /**
     * Moves to the response's Location. Only the same host is followed (the probe's destination address is what was
     * asked for; another host would need its own name resolution and is a different destination): a Location
     * elsewhere ends the probe with the redirect's status.
     */
    Next follow(String location) {
        URI next;
        try {
            next = URI.create(String.format("%s://%s:%d", tls ? "https" : "http", "h", port)).resolve(path).resolve(location);
        } catch (IllegalArgumentException e) {
            return Next.NOT_FOLLOWED;
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        String host = next.getHost() == null ? "" : next.getHost().toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        boolean sameHost = "h".equals(host) || host.equals(hostName) || host.equals(targetLiteral);
        if (!sameHost || !scheme.equals("http") && !scheme.equals("https")) {
            return Next.NOT_FOLLOWED;
        }
        boolean nextTls = scheme.equals("https");
        int nextPort = next.getPort() > 0 ? next.getPort() : nextTls ? 443 : 80;
        String nextPath = next.getRawPath() == null || next.getRawPath().isEmpty() ? "/" : next.getRawPath();
        if (next.getRawQuery() != null) {
            nextPath += "?" + next.getRawQuery();
        }
        if (redirects >= options.maxRedirects() || visited.contains(nextTls + "|" + nextPort + "|" + nextPath)) {
            return Next.LOOP;
        }
        redirects++;
        if (status == 303 || (status == 301 || status == 302) && "POST".equals(method)) {
            method = "GET"; // as every client does; 307 and 308 keep the method and body
        }
        hop(nextTls, nextPort, nextPath.replaceAll("[^\\x21-\\x7e]", ""));
        return Next.FOLLOW;
    }

    private byte[] render() {
        StringBuilder b = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(hostHeader()).append("\r\n");
        Map<String, String> headers = options.headers();
        if (headers.keySet().stream().noneMatch("user-agent"::equalsIgnoreCase)) {
            b.append("User-Agent: aami-probe\r\n");
        }
        if (headers.keySet().stream().noneMatch("accept"::equalsIgnoreCase)) {
            b.append("Accept: */*\r\n");
        }
        b.append("Connection: close\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        byte[] body = options.body() == null || "GET".equals(method) ? new byte[0] : options.body().getBytes(StandardCharsets.UTF_8);
        if (body.length > 0) {
            b.append("Content-Length: ").append(body.length).append("\r\n");
        }
        b.append("\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private String hostHeader() {
        String host = hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName;
        boolean defaultPort = tls ? port == 443 : port == 80;
        return defaultPort ? host : host + ":" + port;
    }

    /** The SNI and verification name; an address literal gets no SNI (RFC 6066) and is checked as an IP SAN. */
    String peerHost() {
        return hostName;
    }

    static boolean literal(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
