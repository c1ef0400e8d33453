package io.aami.server.config;

import io.aami.common.config.ConfigTree;
import io.aami.server.security.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code http.*} keys of {@link ServerConfig.Http} (and {@code metrics.public}, {@code metrics.max_age}), read and checked. */
final class HttpKeys {
    private static final int MAX_TLS_HANDSHAKES = 100_000;
    /** Small, so a few hosts cannot hold every handshake place; enough for a NAT'ed LAN fleet (a handshake takes milliseconds). */
    private static final int DEFAULT_TLS_HANDSHAKES_PER_ADDRESS = 8;

    private HttpKeys() {
    }

    static ServerConfig.Http read(ConfigTree t) {
        int maxHandshakes = t.integer("http.max_tls_handshakes", ServerConfigLoader.defaultMaxTlsHandshakes(), 1, MAX_TLS_HANDSHAKES);
        return new ServerConfig.Http(
                t.byteSize("http.max_body_bytes", 1024L * 1024),
                t.bool("metrics.public", true),
                t.duration("http.tls_handshake_timeout", Duration.ofSeconds(10)),
                t.duration("metrics.max_age", Duration.ofSeconds(5)),
                t.duration("http.header_read_timeout", Duration.ofSeconds(10)),
                t.duration("http.body_read_timeout", Duration.ofSeconds(30)),
                t.byteSize("http.min_body_rate_bytes_per_second", 1024),
                t.integer("http.max_unauthenticated_in_flight", 32, 1, ServerConfigLoader.MAX_UNAUTHENTICATED),
                maxHandshakes,
                t.integer("http.max_tls_handshakes_per_address", Math.min(DEFAULT_TLS_HANDSHAKES_PER_ADDRESS, maxHandshakes), 1,
                        MAX_TLS_HANDSHAKES),
                // A proxy listed here is believed about who its client is: list only proxies that append X-Forwarded-For.
                cidrs(t, "http.trusted_proxies", "list the proxies' own addresses"),
                t.choice("http.plain_http_login", "loopback", "loopback", "allow", "refuse"),
                // Connections wait here, at no CPU cost, while the handshake places are taken. Twice the places: what
                // the server drains well within a client's timeout. The JDK's 50 dropped the SYNs of a fleet starting at
                // once (clients retried after 1, 3, 7 s while the server idled); 4,096 let 10,000 reconnecting agents
                // queue for longer than they wait, so the server spent its CPU on handshakes whose clients had gone.
                t.integer("http.accept_queue", Math.min(65_535, 2 * maxHandshakes), 1, 65_535));
    }

    static void validate(ServerConfig.Http http, ConfigTree t) {
        if (http.maxBodyBytes() < 1024) {
            throw t.invalid("http.max_body_bytes", "must be at least 1KiB");
        }
        if (outside(http.headerReadTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(5))) {
            throw t.invalid("http.header_read_timeout", "must be between 1s and 5m");
        }
        if (outside(http.bodyReadTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(10))) {
            throw t.invalid("http.body_read_timeout", "must be between 1s and 10m");
        }
        if (http.minBodyRateBytesPerSecond() < 1 || http.minBodyRateBytesPerSecond() > 1024L * 1024 * 1024) {
            throw t.invalid("http.min_body_rate_bytes_per_second", "must be between 1 and 1GiB");
        }
        if (http.maxTlsHandshakesPerAddress() > http.maxTlsHandshakes()) {
            throw t.invalid("http.max_tls_handshakes_per_address", "must not exceed http.max_tls_handshakes ("
                    + http.maxTlsHandshakes() + ")");
        }
    }

    /**
     * Each entry a network ({@code 10.0.0.0/8}) or an address, kept in the form it was given once it parses. A prefix
     * of 0 would take in every address, which is what such a list exists to prevent: refused, saying what to list instead.
     */
    static List<String> cidrs(ConfigTree t, String key, String instead) {
        List<String> out = new ArrayList<>();
        for (String s : t.stringList(key, List.of())) {
            Cidr cidr;
            try {
                cidr = Cidr.parse(s);
            } catch (IllegalArgumentException e) {
                throw t.invalid(key, e.getMessage());
            }
            if (cidr.prefixLength() == 0) {
                throw t.invalid(key, "'" + s + "' would allow every address; " + instead);
            }
            out.add(cidr.toString());
        }
        return List.copyOf(out);
    }

    private static boolean outside(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 || d.compareTo(max) > 0;
    }
}
