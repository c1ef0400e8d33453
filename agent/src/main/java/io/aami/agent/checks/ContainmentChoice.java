package io.aami.agent.checks;

import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the containment for {@code checks.containment} ({@code auto}, {@code cgroup}, {@code rlimit}) and logs it once. */
final class ContainmentChoice {
    static final List<String> MODES = List.of("auto", "cgroup", "rlimit");
    private static final Logger LOG = LoggerFactory.getLogger(ContainmentChoice.class);

    private ContainmentChoice() {
    }

    /**
     * @throws IllegalArgumentException for an unknown mode
     * @throws IllegalStateException    for {@code cgroup} when no usable cgroup exists, naming why
     */
    static Containment choose(String mode, ScriptLimits limits, boolean agentIsRoot, Supplier<CgroupDetector> detector) {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("checks.containment must be one of " + MODES + ", got '" + mode + "'");
        }
        if (mode.equals("rlimit")) {
            LOG.info("check containment: rlimit (configured); a run's processes are limited per user and killed by"
                    + " session and process group");
            return Containment.RLIMIT;
        }
        List<String> problems;
        if (agentIsRoot) {
            CgroupDetector found = detector.get();
            Containment cgroups = found.detect(limits);
            if (cgroups != null) {
                LOG.info("check containment: {} (each run in a cgroup of its own, at most {} processes and {} bytes"
                        + " of memory, killed as a whole)", cgroups.mode(), limits.processes(), limits.addressSpaceBytes());
                return cgroups;
            }
            problems = found.problems();
        } else {
            problems = List.of("the agent is not root");
        }
        if (mode.equals("cgroup")) {
            throw new IllegalStateException("checks.containment is 'cgroup' but no usable cgroup was found: "
                    + String.join("; ", problems));
        }
        LOG.warn("check containment: rlimit, no usable cgroup ({}); a process that leaves the script's session"
                + " can outlive its run", String.join("; ", problems));
        return Containment.RLIMIT;
    }
}
