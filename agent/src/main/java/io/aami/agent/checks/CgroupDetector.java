package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the cgroup hierarchy check runs can use, from {@code /proc/self/mountinfo} and
 * {@code /proc/self/cgroup}: cgroup v2 when the agent's cgroup offers the {@code pids} and
 * {@code memory} controllers, else v1 {@code pids} + {@code memory} (+ {@code freezer}). Runs live
 * under {@code aami-checks/} below the agent's own cgroup, so the host's limits on the agent still
 * cover its checks. Leftovers of a dead agent process are killed and removed here.
 */
final class CgroupDetector {
    static final String DIR = "aami-checks";
    private static final Logger LOG = LoggerFactory.getLogger(CgroupDetector.class);
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path OWN_CGROUPS = Path.of("/proc/self/cgroup");

    /** One mounted hierarchy: v2 or the v1 controllers in {@code options}. */
    record Hierarchy(Path mountPoint, String root, boolean v2, Set<String> options) {
    }

    private final List<Hierarchy> hierarchies;
    private final Map<String, String> ownPaths;
    private final List<String> problems = new ArrayList<>();

    CgroupDetector(List<String> mountinfo, List<String> ownCgroups) {
        this.hierarchies = hierarchies(mountinfo);
        this.ownPaths = ownPaths(ownCgroups);
    }

    static CgroupDetector ofThisProcess() {
        try {
            return new CgroupDetector(Files.readAllLines(MOUNTINFO), Files.readAllLines(OWN_CGROUPS));
        } catch (IOException e) {
            return new CgroupDetector(List.of(), List.of());
        }
    }

    /** Why no cgroup mode was found, after {@link #detect} returned null. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** A usable cgroup containment, leftovers removed; null when there is none ({@link #problems} says why). */
    Containment detect(ScriptLimits limits) {
        Containment v2 = v2(limits);
        return v2 != null ? v2 : v1(limits);
    }

    private Containment v2(ScriptLimits limits) {
        Hierarchy unified = hierarchies.stream().filter(Hierarchy::v2).findFirst().orElse(null);
        if (unified == null || !ownPaths.containsKey("")) {
            problems.add("no cgroup2 hierarchy");
            return null;
        }
        Path base = base(unified, ownPaths.get(""));
        try {
            String available = CgroupFiles.read(base.resolve("cgroup.controllers"));
            if (!Set.of(available.split(" ")).containsAll(Set.of("pids", "memory"))) {
                problems.add("cgroup v2 at " + base + " offers [" + available + "], not pids and memory");
                return null;
            }
            V2Delegation.enable(base, unified.mountPoint().equals(base));
            Path parent = ensureDir(base.resolve(DIR));
            CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+pids +memory");
            CgroupV2Runs runs = new CgroupV2Runs(parent, limits);
            report(runs.removeLeftovers(), parent);
            runs.newRun().close();
            return runs;
        } catch (IOException | RuntimeException e) {
            problems.add("cgroup v2 at " + base + " is not usable: " + e);
            return null;
        }
    }

    private Containment v1(ScriptLimits limits) {
        Path pids = v1Parent("pids");
        Path memory = v1Parent("memory");
        if (pids == null || memory == null) {
            problems.add("no cgroup v1 " + (pids == null ? "pids" : "memory") + " hierarchy");
            return null;
        }
        Path freezer = v1Parent("freezer");
        try {
            CgroupV1Runs runs = new CgroupV1Runs(ensureDir(pids), ensureDir(memory),
                    freezer == null ? null : ensureDir(freezer), limits);
            report(runs.removeLeftovers(), pids);
            runs.newRun().close();
            return runs;
        } catch (IOException | RuntimeException e) {
            problems.add("cgroup v1 under " + pids + " is not usable: " + e);
            return null;
        }
    }

    /** {@code <hierarchy>/<agent's cgroup>/aami-checks} for a v1 controller, not yet created; null when unmounted. */
    private Path v1Parent(String controller) {
        for (Hierarchy h : hierarchies) {
            if (!h.v2() && h.options().contains(controller)) {
                String own = ownPaths.getOrDefault(controller, "/");
                return base(h, own).resolve(DIR);
            }
        }
        return null;
    }

    /** Where the agent's own cgroup is in the mounted tree; the mount point when it cannot be placed there. */
    static Path base(Hierarchy h, String ownPath) {
        String relative = ownPath;
        if (!h.root().equals("/")) {
            if (!ownPath.startsWith(h.root())) {
                return h.mountPoint();
            }
            relative = ownPath.substring(h.root().length());
        }
        Path base = h.mountPoint().resolve(relative.replaceFirst("^/+", "")).normalize();
        return base.startsWith(h.mountPoint()) && Files.isDirectory(base) ? base : h.mountPoint();
    }

    static List<Hierarchy> hierarchies(List<String> mountinfo) {
        List<Hierarchy> found = new ArrayList<>();
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            if (after[0].equals("cgroup2") || after[0].equals("cgroup")) {
                found.add(new Hierarchy(Path.of(unescape(before[4])), unescape(before[3]), after[0].equals("cgroup2"),
                        Set.of(after[2].split(","))));
            }
        }
        return found;
    }

    /** Controller (v1) or "" (v2) → the agent's cgroup path in that hierarchy. */
    static Map<String, String> ownPaths(List<String> cgroupLines) {
        Map<String, String> paths = new HashMap<>();
        for (String line : cgroupLines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3) {
                for (String controller : parts[1].split(",")) {
                    paths.put(controller, parts[2]);
                }
            }
        }
        return paths;
    }

    private static Path ensureDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
        }
        return dir;
    }

    private static void report(int leftovers, Path where) {
        if (leftovers > 0) {
            LOG.warn("killed and removed {} check run cgroup(s) under {} left by an earlier agent process", leftovers,
                    where);
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
