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
    UDP;

    public static final ProbeProtocol DEFAULT = TCP;

    public String wire() {
        return name();
    }

    /** Case-insensitive and trimmed; null or blank is {@link #DEFAULT}; anything else unknown is empty. */
    public static Optional<ProbeProtocol> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(DEFAULT);
        }
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "TCP" -> Optional.of(TCP);
            case "UDP" -> Optional.of(UDP);
            default -> Optional.empty();
        };
    }
}
