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
    HTTPS;

    public static final ProbeProtocol DEFAULT = TCP;

    public String wire() {
        return name();
    }

    /** HTTP or HTTPS: the probe carries {@code http} options. */
    public boolean http() {
        return this == HTTP || this == HTTPS;
    }

    /** Every wire name, for error messages. */
    public static String names() {
        return "TCP, UDP, HTTP or HTTPS";
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
            default -> Optional.empty();
        };
    }
}
