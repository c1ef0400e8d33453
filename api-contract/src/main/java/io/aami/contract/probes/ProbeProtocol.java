package io.aami.contract.probes;

import java.util.Locale;
import java.util.Optional;

/**
 * The transport a probe uses. The wire form ({@link #wire()}) is the upper-case name the probe seed
 * used; readers accept any case, and an absent protocol means {@link #DEFAULT} because the seed's GET
 * example omits it.
 */
public enum ProbeProtocol {
    TCP,
    UDP,
    /** An HTTP/1.1 request over TCP; the destination is target and target_port, the rest in {@code http}. */
    HTTP,
    /** HTTP over TLS: the certificate is verified (CA file or system store) and its not_after reported. */
    HTTPS,
    /**
     * ICMP (ICMPv6 for an IPv6 target) echo requests: no port; {@code icmp} options give the count and spacing of the
     * echoes, whose replies yield the round-trip time and the loss percentage.
     */
    ICMP;

    public static final ProbeProtocol DEFAULT = TCP;

    public String wire() {
        return name();
    }

    /** HTTP or HTTPS: the probe carries {@code http} options. */
    public boolean http() {
        return this == HTTP || this == HTTPS;
    }

    /** ICMP: the probe carries {@code icmp} options and no ports. */
    public boolean icmp() {
        return this == ICMP;
    }

    /** Every wire name, for error messages. */
    public static String names() {
        return "TCP, UDP, HTTP, HTTPS or ICMP";
    }

    /** Case-insensitive and trimmed; null or blank is {@link #DEFAULT}; anything else unknown is empty. */
    public static Optional<ProbeProtocol> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(DEFAULT);
        }
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "TCP" -> Optional.of(TCP);
            case "UDP" -> Optional.of(UDP);
            case "HTTP" -> Optional.of(HTTP);
            case "HTTPS" -> Optional.of(HTTPS);
            case "ICMP" -> Optional.of(ICMP);
            default -> Optional.empty();
        };
    }
}
