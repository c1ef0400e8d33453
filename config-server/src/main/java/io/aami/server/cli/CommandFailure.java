package io.aami.server.cli;

/** An operator command cannot do its work; the message is what the operator reads, including what to do. */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message, null, false, false);
    }
}
