package io.aami.contract.checks;

import java.util.List;

/**
 * What a check is: {@link #SCRIPT} (the default: an interpreter runs a script), {@link #PROCESS} (the agent
 * itself counts and measures matching processes from {@code /proc}; no script, no child process) or
 * {@link #PASSIVE} (nothing runs: results come from local programs through the agent's
 * {@code POST /check-results} or the server's check-results route, and the check is stale when none
 * arrives within the staleness rule's bound of its {@code interval_seconds}).
 *
 * <p>Only a script check carries {@code interpreter} and {@code script}; in a policy a check without a
 * {@code kind} is a script check, so an agent older than kinds refuses a process or passive check (its
 * script is missing) instead of running it as something else.
 */
public final class CheckKinds {
    public static final String SCRIPT = "script";
    public static final String PROCESS = "process";
    public static final String PASSIVE = "passive";
    public static final List<String> ALL = List.of(SCRIPT, PROCESS, PASSIVE);

    private CheckKinds() {
    }

    /** {@code kind} as stored and shown: null (absent) reads as {@link #SCRIPT}. */
    public static String of(String kind) {
        return kind == null ? SCRIPT : kind;
    }
}
