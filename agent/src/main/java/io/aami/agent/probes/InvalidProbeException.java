package io.aami.agent.probes;

/** A probe request that cannot run; the message names the offending field and value. */
public final class InvalidProbeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidProbeException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The wire name of the bad field, e.g. {@code target_port}. */
    public String field() {
        return field;
    }

    /** The same error for element {@code index} of a task list: field "tasks[3].target_port", message "tasks[3]: ...". */
    InvalidProbeException at(int index) {
        return new InvalidProbeException("tasks[" + index + "]." + field, "tasks[" + index + "]: " + getMessage());
    }
}
