package io.aami.bench;

import java.io.PrintStream;

/** Runs a command and turns a run that could not be made into exit 3 with its reason. */
final class BenchRuns {
    /** A run returning its exit code. */
    interface Run {
        int call() throws Exception;
    }

    private BenchRuns() {
    }

    static int safely(Run run, PrintStream err) {
        try {
            return run.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("aami-bench: interrupted");
            return FleetCommand.EXIT_FAILED;
        } catch (Exception e) {
            err.println("aami-bench: the run failed: " + e);
            return FleetCommand.EXIT_FAILED;
        }
    }
}
