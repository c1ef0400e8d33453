package io.aami.agent.enrollment;

/** An enrollment answer offered a policy-signing key the agent does not trust; nothing of it is kept. */
final class PolicyKeyRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PolicyKeyRefusedException(String message) {
        super(message);
    }
}
