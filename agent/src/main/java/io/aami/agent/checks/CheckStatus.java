package io.aami.agent.checks;

import java.util.Locale;

/** A check's result state, by the Nagios/Consul exit-code convention. */
public enum CheckStatus {
    OK, WARNING, CRITICAL, UNKNOWN;

    /** The wire form: ok, warning, critical, unknown. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** 0 ok, 1 warning, 2 critical; anything else, death by a signal included (128+n), unknown. */
    public static CheckStatus forExitCode(int exitCode) {
        return switch (exitCode) {
            case 0 -> OK;
            case 1 -> WARNING;
            case 2 -> CRITICAL;
            default -> UNKNOWN;
        };
    }
}
