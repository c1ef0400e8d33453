package io.aami.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The descriptor cache ({@link FdCache}, {@link DescriptorWalk}) on a real child holding 3,000 sockets: a full scan does
 * not list an unchanged process again (issue 11's budget), yet a connection replaced under the same open-file count is
 * found at once, and a socket opened on the number of a closed file is found by the second pass.
 */
class DiscoveryDescriptorCacheTest {
    static final String NAME = "aami-crowd";
    static final int PAIRS = 1500;

    @TempDir
    Path dir;

    @Test
    void unchangedProcessIsNotListedAgainAndChangesUnderTheSameCountAreFound() throws Exception {
        Process child = SocketChildren.start(dir, NAME, Crowd.class, List.of(Integer.toString(PAIRS)));
        try (ServerSocket outside = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            PrintStream to = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
            int port = Integer.parseInt(from.readLine().split(" ")[1]);
            SocketScanner scanner = new SocketScanner(Path.of("/proc"), Users.PASSWD, 0);
            Derivation derivation = new Derivation(50, 200);
            Scan scan = scanner.scan();
            assertThat(scan.listed.get((int) child.pid())).as("the first, full, scan lists it").isTrue();
            for (int i = 1; i < OwnerCache.FULL_EVERY; i++) {
                scanner.scan();
            }
            scan = scanner.scan(); // the next full scan
            assertThat(scan.listed.get((int) child.pid())).as("unchanged: answered from the cache").isFalse();
            assertThat(inbound(scanner, derivation, scan, port)).isEqualTo(PAIRS);

            to.println("swap");
            assertThat(from.readLine()).isEqualTo("done");
            scan = scanner.scan();
            assertThat(scan.listed.get((int) child.pid())).as("a socket of it is gone: listed").isTrue();
            assertThat(inbound(scanner, derivation, scan, port)).isEqualTo(PAIRS);

            to.println("reuse " + outside.getLocalPort());
            assertThat(from.readLine()).isEqualTo("done");
            try (Socket ignored = outside.accept()) {
                long found = 0;
                for (int i = 0; i < 4 && found == 0; i++) {
                    found = derivation.derive(scanner.scan()).upstream().stream().filter(r -> r.labels().get(3).equals(NAME)
                            && r.labels().get(2).equals(Integer.toString(outside.getLocalPort()))).count();
                }
                assertThat(found).as("the socket on a reused number, within the scans that seek it twice").isEqualTo(1);
            }
        } finally {
            child.getOutputStream().close();
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A local user's process of many descriptors cannot grow the root agent's cache past its bound: past it the process
     * is not cached (listed again each full scan, its sockets still found) and counted in {@code processes_uncached}.
     */
    @Test
    void aProcessPastTheCacheBoundIsNotCachedButStillScannedAndCounted() throws Exception {
        int pairs = 300;
        long bound = 2L * pairs; // below the child's own descriptors (its sockets, the listener, the JVM's files)
        Process child = SocketChildren.start(dir, NAME, Crowd.class, List.of(Integer.toString(pairs)));
        try {
            BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(from.readLine().split(" ")[1]);
            SocketScanner scanner = new SocketScanner(Path.of("/proc"), Users.PASSWD, 0, SocketScanner.MAX_TABLE_BYTES, bound);
            Derivation derivation = new Derivation(50, 200);
            Scan scan = scanner.scan();
            assertThat(scan.processesUncached).as("the child, past the bound, is counted").isPositive();
            assertThat(scanner.processesUncached()).isPositive();
            assertThat(scanner.cachedDescriptors()).isLessThanOrEqualTo(bound);
            for (int i = 1; i < OwnerCache.FULL_EVERY; i++) {
                scanner.scan();
                assertThat(scanner.cachedDescriptors()).isLessThanOrEqualTo(bound);
            }
            scan = scanner.scan(); // the next full scan
            assertThat(scan.listed.get((int) child.pid())).as("not cached: listed again").isTrue();
            assertThat(inbound(derivation.derive(scan), port)).as("its sockets still found").isEqualTo(pairs);
            assertThat(scanner.cachedDescriptors()).isLessThanOrEqualTo(bound);
        } finally {
            child.getOutputStream().close();
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The cache's count of descriptors follows every replacement, removal and retain, so the bound holds over time. */
    @Test
    void theCacheCountsWhatItHoldsThroughReplacementsAndRemovals() {
        FdCache cache = new FdCache(10);
        cache.put(1, new FdCache.Entry(3, new int[] {0, 1, 2}, new long[3]));
        cache.put(2, new FdCache.Entry(5, new int[] {0, 1, 2, 3, 4}, new long[5]));
        assertThat(cache.descriptors()).isEqualTo(10);
        cache.put(3, new FdCache.Entry(0, new int[0], new long[0]));
        assertThat(cache.get(3)).as("past the bound: not cached").isNull();
        assertThat(cache.takeRefused()).isEqualTo(1);
        assertThat(cache.takeRefused()).isZero();
        cache.put(2, new FdCache.Entry(1, new int[] {7}, new long[1]));
        assertThat(cache.descriptors()).as("a replaced entry's descriptors are given back").isEqualTo(6);
        cache.put(1, new FdCache.Entry(9, new int[9], new long[9]));
        assertThat(cache.get(1)).as("a replacement past the bound drops the old entry too").isNull();
        assertThat(cache.descriptors()).isEqualTo(2);
        java.util.BitSet live = new java.util.BitSet();
        cache.retain(live);
        assertThat(cache.descriptors()).isZero();
        assertThat(cache.size()).isZero();
    }

    /**
     * The child's inbound connections in {@code scan}, or in one of two more scans when not {@link #PAIRS}: the kernel
     * writes its socket table a page at a time, so a socket closed elsewhere on the host (other tests) while it is read
     * can make the table skip a row. A row written twice is the scanner's to drop, and no scan may count more.
     */
    private static long inbound(SocketScanner scanner, Derivation derivation, Scan scan, int port) {
        long n = inbound(derivation.derive(scan), port);
        for (int i = 0; i < 2 && n < PAIRS; i++) {
            n = inbound(derivation.derive(scanner.scan()), port);
        }
        return n;
    }

    private static long inbound(DiscoveryView view, int port) {
        return view.downstream().stream().filter(r -> r.labels().get(3).equals(NAME) && r.labels().get(2).equals(Integer.toString(port)))
                .mapToLong(DiscoveryView.Row::value).sum();
    }
}
