package io.aami.agent.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aami.agent.util.ProcessUid;
import io.aami.contract.policy.ProcessMatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Process checks against real child processes, read from the real /proc. */
class ProcessCheckTest {
    private static final Duration BUDGET = Duration.ofSeconds(10);
    private final List<Process> children = new ArrayList<>();
    private final ProcessCheck check = ProcessCheck.system();
    /** A sleep length no other process on the machine has: the children's command line is "sleep <marker>". */
    private final String marker = "3000." + ThreadLocalRandom.current().nextInt(100_000, 999_999);

    @AfterEach
    void stopChildren() {
        children.forEach(Process::destroyForcibly);
    }

    /** Started, and past exec: its command line is its own (not the JVM's spawn helper's) before a check looks. */
    private Process start(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).startsWith(command[0] + "\0")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child " + p.pid() + " did not exec " + command[0]);
            }
            Thread.sleep(10);
        }
        return p;
    }

    private List<Process> twoSleepers() throws Exception {
        return List.of(start("sleep", marker), start("sleep", marker));
    }

    private static ProcessMatch byCmdline(String regex, Integer min, Integer max, Long maxRss, Integer maxThreads,
                                          Integer maxOpenFiles) {
        return new ProcessMatch(null, null, regex, null, min, max, null, maxRss, maxOpenFiles, maxThreads);
    }

    private String exact() {
        return "^sleep " + marker.replace(".", "\\.") + "$";
    }

    @Test
    void twoChildrenAgainstCountBounds() throws Exception {
        List<Process> two = twoSleepers();
        ProcessVerdict exactlyOne = check.run(byCmdline(exact(), 1, 1, null, null, null), BUDGET);
        assertThat(exactlyOne.status()).isEqualTo("critical");
        assertThat(exactlyOne.output()).startsWith("2 processes match (expected exactly 1); CRITICAL: 2 matching")
                .contains("pid " + two.get(0).pid() + " sleep").contains("pid " + two.get(1).pid() + " sleep");

        ProcessVerdict upToFour = check.run(byCmdline(exact(), 1, 4, null, null, null), BUDGET);
        assertThat(upToFour.status()).isEqualTo("ok");
        assertThat(upToFour.output()).startsWith("2 processes match (expected between 1 and 4)")
                .contains("pid " + two.get(0).pid()).contains("rss=").contains("threads=1");

        two.forEach(Process::destroyForcibly);
        for (Process p : two) {
            p.waitFor();
        }
        ProcessVerdict none = check.run(byCmdline(exact(), 1, 4, null, null, null), BUDGET);
        assertThat(none.status()).isEqualTo("critical");
        assertThat(none.output()).startsWith("0 processes match");
    }

    @Test
    void rssThreadsAndOpenFilesBounds() throws Exception {
        twoSleepers();
        ProcessVerdict tiny = check.run(byCmdline(exact(), null, null, 4096L, null, null), BUDGET);
        assertThat(tiny.status()).isEqualTo("critical");
        assertThat(tiny.output()).contains(" rss ").contains(" > 4096");
        assertThat(check.run(byCmdline(exact(), null, null, 1L << 30, null, null), BUDGET).status()).isEqualTo("ok");
        assertThat(check.run(byCmdline(exact(), null, null, null, 0, null), BUDGET).output()).contains("threads 1 > 0");
        // Our own children: their descriptors are readable without root.
        ProcessVerdict fds = check.run(byCmdline(exact(), null, null, null, null, 1000), BUDGET);
        assertThat(fds.status()).isEqualTo("ok");
        assertThat(check.run(byCmdline(exact(), null, null, null, null, 0), BUDGET).status()).isEqualTo("critical");
    }

    @Test
    void nameAndUserNarrowTheMatchAndCpuIsSampled() throws Exception {
        List<Process> two = twoSleepers();
        String uid = Long.toString(ProcessUid.effective());
        ProcessMatch mine = new ProcessMatch("^sleep$", null, marker.replace(".", "\\."), uid, 2, 2, 100_000, null,
                null, null);
        ProcessVerdict v = check.run(mine, BUDGET);
        assertThat(v.status()).isEqualTo("ok");
        assertThat(v.output()).contains("pid " + two.get(0).pid()).contains("cpu=0.0%").contains("uid=" + uid);
        ProcessMatch otherUser = new ProcessMatch(null, null, exact(), Long.toString(ProcessUid.effective() + 4242), 1,
                null, null, null, null, null);
        assertThat(check.run(otherUser, BUDGET).output()).startsWith("0 processes match");
        ProcessMatch nobodyKnown = new ProcessMatch(null, null, exact(), "no-such-user-here", 1, null, null, null, null,
                null);
        assertThat(check.run(nobodyKnown, BUDGET).status()).isEqualTo("unknown");
    }

    @Test
    void aHostileCommandLineCannotHoldTheCheckWithABacktrackingPattern() throws Exception {
        // A local user chooses its command line; "(.*a){12}[0-9]" against 40 a's backtracks for minutes (Java's
        // regex memoizes the simpler textbook cases such as "(a|aa)+$").
        start("sh", "-c", "sleep 300; true", "x" + marker, "a".repeat(40) + "!");
        ProcessVerdict v = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> check.run(
                byCmdline("x" + marker.replace(".", "\\.") + " (.*a){12}[0-9]", 1, null, null, null, null), BUDGET));
        assertThat(v.status()).isEqualTo("critical");
        assertThat(v.output()).contains("1 process(es) skipped: matching took longer than 50 ms");
    }
}
