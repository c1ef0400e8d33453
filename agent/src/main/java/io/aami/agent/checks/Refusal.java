package io.aami.agent.checks;

/** Why the agent did not run a check; the label of {@code aami_agent_checks_refused_total{reason}}. */
enum Refusal {
    /** The interpreter is unknown or not installed. */
    INTERPRETER("interpreter"),
    /** The script's content does not match the policy's {@code script_sha256}. */
    SCRIPT_DIGEST("script_digest"),
    /** The env sets a variable {@code CheckEnvRules} forbids (an older or hostile server sent it). */
    FORBIDDEN_ENV("forbidden_env"),
    /** The host's local allow-list ({@link LocalScriptPolicy}) vetoes it. */
    LOCAL_POLICY("local_policy"),
    /** The process could not be started (work dir, script file, fork). */
    START_FAILED("start_failed");

    final String label;

    Refusal(String label) {
        this.label = label;
    }
}
