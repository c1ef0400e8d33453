package io.aami.agent.checks;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of run cgroups, {@code run-<agent pid>-<agent start ms>-<tag>-<n>}: unique per agent process
 * (the tag tells apart several executors in one JVM, as in tests), and telling whether the agent
 * that made one still lives, so a new agent removes only what a dead one left behind.
 */
final class CgroupRunNames {
    private static final Pattern NAME = Pattern.compile("run-(\\d+)-(\\d+)-[0-9a-f]+-\\d+");

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    CgroupRunNames() {
        ProcessHandle self = ProcessHandle.current();
        this.prefix = "run-" + self.pid() + "-" + startMillis(self) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "-";
    }

    String next() {
        return prefix + next.incrementAndGet();
    }

    /** Whether the directory was made by an agent process that has exited (the pid alone could be reused). */
    static boolean ownerGone(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return false;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(Long.parseLong(m.group(1)));
        return owner.isEmpty() || owner.get().info().startInstant().map(Instant::toEpochMilli)
                .filter(start -> start != Long.parseLong(m.group(2))).isPresent();
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
