package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.bench.ThreadCpu.Role;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThreadCpuTest {
    @ParameterizedTest
    @CsvSource({
            "qtp1283928880-41, SERVER",
            "aami-background, SERVER",
            "bench-http, CLIENT",
            "bench-enroll, CLIENT",
            "C2 CompilerThre, JIT",
            "C1 CompilerThre, JIT",
            "GC Thread#0, GC",
            "G1 Conc#0, GC",
            "main, OTHER",
            "PostgreSQL JDBC, OTHER"})
    void threadsAreSortedByTheNameTheirPoolGivesThem(String comm, Role role) {
        assertThat(ThreadCpu.role(comm)).isEqualTo(role);
    }

    @Test
    void theCpuFieldsAreCountedAfterTheLastParenthesisOfTheName() {
        // A thread may name itself ") 9 9 9": only the fields after the last ')' are the kernel's.
        String stat = "4242 (odd ) 9 9 9 name) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100 0 0";
        assertThat(ThreadCpu.cpuNanos(stat)).isEqualTo(300 * 10_000_000L);
    }

    @Test
    void aBusyClientThreadsCpuShowsUnderItsRoleAndNotUnderTheServers() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong spent = new AtomicLong();
        Map<Role, Long> before = ThreadCpu.now();
        Thread spinner = new Thread(() -> {
            long start = mx.getCurrentThreadCpuTime();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() - start < 400_000_000L) {
                x += System.nanoTime() % 7;
            }
            spent.set(mx.getCurrentThreadCpuTime() - start + (x & 0));
            parkUntilInterrupted();
        }, "bench-spin");
        spinner.start();
        while (spent.get() == 0) {
            Thread.sleep(20);
        }
        Map<Role, Long> delta = ThreadCpu.between(before, ThreadCpu.now());
        spinner.interrupt();
        spinner.join();

        // /proc counts in 10 ms ticks: the spinner's 400 ms must be there, give or take a few ticks.
        assertThat(delta.get(Role.CLIENT)).isGreaterThanOrEqualTo(spent.get() - 50_000_000L);
        assertThat(delta.get(Role.SERVER)).isLessThan(spent.get() / 4);
    }

    private static void parkUntilInterrupted() {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException done) {
            Thread.currentThread().interrupt();
        }
    }
}
