package io.aami.agent.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network namespaces of a host's processes other than this agent's (containers with their own network), each
 * read once per scan through the socket tables of a process in it ({@code /proc/<pid>/net/tcp}, …): the root
 * namespace's tables do not show them. A namespace is named by the inode of its {@code /proc/<pid>/ns/net} link,
 * read for a process when it first appears and again every {@value OwnerCache#FULL_EVERY}th scan for a tenth of the
 * processes (a process may move with {@code setns}), never for all at once. At most {@code max} namespaces are read
 * a scan (the first found, by lowest pid); the rest are counted. Without the agent's own namespace (not readable,
 * or a proc tree without {@code self}) none is read, as a namespace might then be read twice.
 */
final class Namespaces {
    /** A namespace to read: its inode and up to three processes in it, lowest pid first (one may exit meanwhile). */
    record Ns(long inode, List<Integer> pids) {
    }

    private static final int READERS = 3;

    private final Path procRoot;
    private final int max;
    private final Map<Integer, Long> nsOf = new HashMap<>();
    private final BitSet known = new BitSet();
    private long own = Long.MIN_VALUE;
    private int scans;
    private int skipped;

    Namespaces(Path procRoot, int max) {
        this.procRoot = procRoot;
        this.max = max;
    }

    /** The namespaces to read this scan besides the agent's own, from the processes {@code dirs} ({@code live} their pids). */
    List<Ns> others(List<Path> dirs, BitSet live) {
        scans++;
        skipped = 0;
        if (own == Long.MIN_VALUE) {
            own = inode(procRoot.resolve("self"));
        }
        // Pids gone since the last scan are forgotten, so a reused pid is read as the new process it is.
        BitSet gone = (BitSet) known.clone();
        gone.andNot(live);
        gone.stream().forEach(nsOf::remove);
        known.clear();
        known.or(live);
        if (own < 0 || max == 0) {
            return List.of();
        }
        Map<Long, List<Integer>> found = new LinkedHashMap<>();
        for (Path dir : dirs) {
            int pid = SocketScanner.pid(dir.getFileName().toString());
            Long ns = nsOf.get(pid);
            if (ns == null || pid % OwnerCache.FULL_EVERY == scans % OwnerCache.FULL_EVERY) {
                ns = inode(dir);
                nsOf.put(pid, ns);
            }
            if (ns < 0 || ns == own) {
                continue;
            }
            if (!found.containsKey(ns)) {
                boolean room = found.size() - skipped < max;
                skipped += room ? 0 : 1;
                found.put(ns, room ? new ArrayList<>(List.of(pid)) : null); // null: past the bound, counted once
            } else if (found.get(ns) != null && found.get(ns).size() < READERS) {
                found.get(ns).add(pid);
            }
        }
        List<Ns> out = new ArrayList<>();
        found.forEach((ns, pids) -> {
            if (pids != null) {
                out.add(new Ns(ns, pids));
            }
        });
        return out;
    }

    /** Namespaces past {@code max} in the last scan. */
    int skipped() {
        return skipped;
    }

    /** The inode in a {@code ns/net} link ({@code net:[4026531840]}), -1 when it cannot be read. */
    private static long inode(Path processDir) {
        String link;
        try {
            link = Files.readSymbolicLink(processDir.resolve("ns").resolve("net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
        if (!link.startsWith("net:[") || !link.endsWith("]") || link.length() > 30) {
            return -1;
        }
        long v = 0;
        for (int i = 5; i < link.length() - 1; i++) {
            char c = link.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
