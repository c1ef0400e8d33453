package io.aami.agent.probes;

import java.util.Locale;

/** The transport a probe uses. The wire form ({@link #wire()}) is the upper-case name the probe seed used. */
public enum Protocol {
    TCP,
    UDP;

    public String wire() {
        return name();
    }

    /** Case-insensitive; null or blank means TCP because the seed's GET example omits the protocol. */
    static Protocol parse(String text) {
        if (text == null || text.isBlank()) {
            return TCP;
        }
        switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "TCP":
                return TCP;
            case "UDP":
                return UDP;
            default:
                throw new InvalidProbeException("protocol", "protocol must be TCP or UDP, got '" + text + "'");
        }
    }
}
