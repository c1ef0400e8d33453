package io.aami.agent.checks;

import io.aami.agent.processes.ProcessCheck;
import io.aami.agent.processes.ProcessVerdict;
import io.aami.contract.policy.CheckSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs a process check ({@link ProcessCheck}) as one check run: an outcome with no exit code (nothing was
 * executed), timed like a script's, matching bounded by the check's timeout (at least {@link #MIN_BUDGET}).
 */
public final class ProcessCheckRun {
    static final Duration MIN_BUDGET = Duration.ofSeconds(10);

    private final ProcessCheck check;
    private final Clock clock;

    public ProcessCheckRun(ProcessCheck check, Clock clock) {
        this.check = check;
        this.clock = clock;
    }

    CheckExecution execute(CheckSpec spec) throws InterruptedException {
        Instant executedAt = clock.instant();
        long started = System.nanoTime();
        ProcessVerdict v = check.run(spec.process(), budget(spec));
        return new CheckExecution(spec.checkId(), v.status(), null, v.output(), false, false,
                (System.nanoTime() - started) / 1_000_000, executedAt);
    }

    /** The check's timeout, but never below {@link #MIN_BUDGET}: on a loaded host reading /proc alone may take a second. */
    static Duration budget(CheckSpec spec) {
        Duration timeout = Duration.ofSeconds(spec.timeoutSeconds());
        return timeout.compareTo(MIN_BUDGET) < 0 ? MIN_BUDGET : timeout;
    }
}
