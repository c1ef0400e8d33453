package io.aami.install;

import static io.aami.install.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This machine, as a test that installs a .deb for real finds it and must leave it. {@link #claim} refuses (fails)
 * when the package is installed, when {@code /etc/aami} holds anything or when one of the package's own paths
 * exists, since installing and purging would replace or delete what someone else put there; a CI machine has none
 * of them. {@link #restore} puts the machine back: package purged, its paths and {@code /etc/aami}'s contents
 * gone, {@code /etc/aami} itself as it was, and the system users the package created deleted.
 */
final class PackageHost {
    static final Path ETC = Path.of("/etc/aami");

    private final String name;
    private final List<Path> paths;
    private final boolean etcExisted;
    private final List<String> usersCreatedByTest = new ArrayList<>();

    private PackageHost(String name, List<Path> paths, boolean etcExisted) {
        this.name = name;
        this.paths = paths;
        this.etcExisted = etcExisted;
    }

    /** Skips without dpkg or root, unless AAMI_REQUIRE_TOOLS is set (CI): then it fails. */
    static void requireDpkgAsRoot() throws Exception {
        Packages.requireTool("dpkg", "dpkg");
        Packages.requireTool("dpkg-deb", "dpkg");
        boolean root = run("id", "-u").ok().output().strip().equals("0");
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(root).as("root, to install the .deb (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(root, "not root: cannot install the .deb");
    }

    /** {@code paths}: every path the package or its scripts write outside /etc/aami; {@code users}: those its scripts create. */
    static PackageHost claim(String name, List<Path> paths, List<String> users) throws Exception {
        String status = status(name);
        if (!status.isEmpty() && !status.startsWith("unknown ok not-installed")) {
            fail("refusing to run: the package " + name + " is on this machine (" + status + "); this test installs and purges it"
                    + " for real. Remove it first (dpkg -P " + name + ") or run the test elsewhere.");
        }
        if (!listing(ETC).isEmpty()) {
            fail("refusing to run: " + ETC + " holds files this test did not create " + listing(ETC) + "; a purge would remove them");
        }
        for (Path p : paths) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                fail("refusing to run: " + p + " exists (installed by hand?); the package would replace or remove it");
            }
        }
        PackageHost host = new PackageHost(name, paths, Files.exists(ETC, LinkOption.NOFOLLOW_LINKS));
        for (String user : users) {
            if (run("getent", "passwd", user).exit() != 0) {
                host.usersCreatedByTest.add(user);
            }
        }
        return host;
    }

    boolean etcExisted() {
        return etcExisted;
    }

    /** dpkg's "Status Version" of the package; empty when dpkg has never heard of it. */
    static String status(String name) throws Exception {
        return run("dpkg-query", "-W", "-f=${Status} ${Version}", name).output().strip().replaceAll("^dpkg-query: no packages found.*", "");
    }

    void restore() throws Exception {
        String status = status(name);
        if (!status.isEmpty() && !status.startsWith("unknown ok not-installed")) {
            run("dpkg", "-P", name);
        }
        for (Path p : paths) {
            run("rm", "-rf", p.toString());
        }
        for (String entry : listing(ETC)) {
            run("rm", "-rf", ETC.resolve(entry).toString());
        }
        if (etcExisted) {
            run("mkdir", "-p", "-m", "0755", ETC.toString()).ok(); // a purge removes it when it is empty
        } else {
            run("rm", "-rf", ETC.toString());
        }
        for (String user : usersCreatedByTest) {
            if (run("getent", "passwd", user).exit() == 0) {
                run("userdel", user).ok();
            }
            if (run("getent", "group", user).exit() == 0) {
                run("groupdel", user).ok();
            }
        }
    }

    static List<String> listing(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
