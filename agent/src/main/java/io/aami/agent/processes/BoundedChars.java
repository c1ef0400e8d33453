package io.aami.agent.processes;

/**
 * The text a regex is matched against, giving up past a deadline: the regex comes from the signed policy,
 * but command lines are chosen by any local user, so a pattern with catastrophic backtracking must not
 * hold a check worker (and the agent's CPU) for ever. {@code java.util.regex} reads its input only through
 * {@link #charAt}, where the clock is looked at every few thousand reads.
 */
final class BoundedChars implements CharSequence {
    /** Thrown by {@link #charAt} past the deadline. */
    static final class TooSlow extends RuntimeException {
        TooSlow() {
            super("regex match took too long", null, false, false);
        }
    }

    private final String text;
    private final long deadlineNanos;
    private int reads;

    BoundedChars(String text, long deadlineNanos) {
        this.text = text;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0xFFF) == 0 && System.nanoTime() - deadlineNanos > 0) {
            throw new TooSlow();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedChars(text.substring(start, end), deadlineNanos);
    }

    @Override
    public String toString() {
        return text;
    }
}
