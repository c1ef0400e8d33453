package io.aami.bench;

import java.util.List;
import java.util.Locale;

/**
 * The fleet's held size, decided from what was measured and nothing else (so it is table-tested apart from a run):
 * a fleet held when its heartbeats' and result batches' p99 were at most {@link #P99_LIMIT_MS} and no acknowledged
 * result was lost or duplicated. 5xx answers alone do not fail it: the agents retry them, and a loss they caused
 * shows as a loss. {@code --ramp} feeds one {@link Minute} at a time and stops at the first that did not hold; the
 * knee is the size of the last minute before it that held (the fleet only grows, so the largest that held).
 */
final class Knee {
    static final double P99_LIMIT_MS = 100;
    /** Issue 14's goal on this 2-core machine, and its stretch. */
    static final int GOAL_AGENTS = 50_000;
    static final int STRETCH_AGENTS = 100_000;

    /**
     * One measured minute of the ramp: its fleet size, its p99s, how many heartbeats and result batches were answered
     * in it, the 5xx so far and the losses seen.
     */
    record Minute(int agents, double heartbeatP99Ms, double resultsP99Ms, long answers, long serverErrors,
                  long lostOrDuplicated) {
    }

    /**
     * What a minute says about the fleet. {@code UNMEASURED}: nothing was answered in it (the duration ran out while
     * the wave enrolled), so its empty histograms' p99 of 0 says nothing; it ends the ramp without moving the knee.
     */
    enum Step { HELD, TOO_SLOW, LOST, UNMEASURED }

    private int knee;

    /** Records a minute; anything but {@link Step#HELD} ends the ramp and leaves the knee where it was. */
    Step add(Minute m) {
        Step s = judge(m);
        if (s == Step.HELD) {
            knee = m.agents();
        }
        return s;
    }

    int knee() {
        return knee;
    }

    static Step judge(Minute m) {
        return m.answers() == 0 && m.lostOrDuplicated() == 0 ? Step.UNMEASURED
                : judge(m.heartbeatP99Ms(), m.resultsP99Ms(), m.lostOrDuplicated());
    }

    static Step judge(double heartbeatP99Ms, double resultsP99Ms, long lostOrDuplicated) {
        if (lostOrDuplicated > 0) {
            return Step.LOST;
        }
        return Math.max(heartbeatP99Ms, resultsP99Ms) > P99_LIMIT_MS ? Step.TOO_SLOW : Step.HELD;
    }

    /** The knee of a whole ramp: minutes in order, up to the first that did not hold. */
    static int of(List<Minute> minutes) {
        Knee k = new Knee();
        for (Minute m : minutes) {
            if (k.add(m) != Step.HELD) {
                break;
            }
        }
        return k.knee();
    }

    /** The fleet held and its ratio to issue 14's goal, the last lines of every {@code fleet} run. */
    static String goal(int held, String how) {
        return String.format(Locale.ROOT, "fleet held: %,d agents (%s)%n"
                        + "goal (issue 14: >= %,d agents held at p99 <= %.0f ms, nothing lost; stretch %,d): %s (%,d = %.2fx)%n",
                held, how, GOAL_AGENTS, P99_LIMIT_MS, STRETCH_AGENTS, held >= GOAL_AGENTS ? "met" : "NOT met", held,
                held / (double) GOAL_AGENTS);
    }
}
