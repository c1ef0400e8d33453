package io.aami.contract.checks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A check's result state, by the Nagios/Consul exit-code convention: the wire name ({@code ok},
 * {@code warning}, {@code critical}, {@code unknown}) the agent sends, and the number the server
 * stores and exports as {@code aami_check_status}.
 */
public enum CheckStatus {
    OK, WARNING, CRITICAL, UNKNOWN;

    /** Every wire name, in code order. */
    public static final List<String> WIRE_NAMES = List.of("ok", "warning", "critical", "unknown");

    /** The wire form: ok, warning, critical, unknown. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stored and exported number: 0 ok, 1 warning, 2 critical, 3 unknown. */
    public int code() {
        return ordinal();
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

    /**
     * Whether a reported status and exit code tell the same story: no exit code (a run that timed out or
     * never started) goes with any status, else the status is {@link #forExitCode} of it.
     */
    public boolean agreesWith(Integer exitCode) {
        return exitCode == null || forExitCode(exitCode) == this;
    }

    /** The status whose wire name is exactly {@code wire}, or empty. */
    public static Optional<CheckStatus> fromWire(String wire) {
        int i = wire == null ? -1 : WIRE_NAMES.indexOf(wire);
        return i < 0 ? Optional.empty() : Optional.of(values()[i]);
    }

    /** The status stored as {@code code}; a number outside 0..3 reads as {@link #UNKNOWN}. */
    public static CheckStatus fromCode(int code) {
        return code >= 0 && code < values().length ? values()[code] : UNKNOWN;
    }
}
