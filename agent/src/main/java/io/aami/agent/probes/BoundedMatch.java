package io.aami.agent.probes;

import java.util.regex.Pattern;

/**
 * body_regex on the probe loop thread, with a budget: a pattern that backtracks catastrophically over a hostile
 * body could otherwise hold the loop (and every other probe) for minutes. Past {@link #MAX_STEPS} character reads the
 * match is abandoned and counts as no match ({@code body_mismatch}).
 */
final class BoundedMatch {
    static final long MAX_STEPS = 20_000_000L;

    private BoundedMatch() {
    }

    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super(null, null, false, false);
        }
    }

    static boolean find(String regex, String text) {
        try {
            return Pattern.compile(regex).matcher(new Budgeted(text)).find();
        } catch (OverBudget | StackOverflowError e) {
            return false;
        }
    }

    private static final class Budgeted implements CharSequence {
        private final String text;
        private long steps;

        Budgeted(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (++steps > MAX_STEPS) {
                throw new OverBudget();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
