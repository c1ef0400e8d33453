package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packages the install module's package phase built into target/, and the real tools (dpkg, rpm) that
 * read and install them. A missing tool skips a test, unless AAMI_REQUIRE_TOOLS is set (CI): then it fails.
 */
final class Packages {
    static final String AGENT = "aami-agent";
    static final String SERVER = "aami-config-server";
    static final String PROVIDER = "aami-terraform-provider";
    /** Terraform's implied local mirror directory of aami/aami, where the provider's package installs it. */
    static final Path PROVIDER_MIRROR = Path.of("/usr/share/terraform/plugins/registry.terraform.io/aami/aami");
    /** Where the provider's package keeps the launcher, the jar and the class-data archive postinst trains. */
    static final Path PROVIDER_HOME = Path.of("/opt/aami/terraform-provider");

    private Packages() {
    }

    record Result(int exit, String output) {
        Result ok() {
            assertThat(exit).as(output).isZero();
            return this;
        }
    }

    /** The provider's version as Terraform sees it: the Maven qualifier as build metadata (0.1.0-SNAPSHOT: 0.1.0+SNAPSHOT). */
    static String providerVersion() {
        return System.getProperty("aami.version").replaceFirst("-", "+");
    }

    /** The provider's directory in the mirror (an unpacked provider for linux_amd64: the script that execs the launcher). */
    static Path providerMirror(Path root) {
        return providerMirror(root, "linux_amd64");
    }

    /** The same for {@code platform}: the packages hold linux_amd64 and linux_arm64 (the same script: a JVM jar). */
    static Path providerMirror(Path root, String platform) {
        return root.resolve(PROVIDER_MIRROR.toString().substring(1)).resolve(providerVersion()).resolve(platform);
    }

    /** terraform-provider/target/provider/{@code file}: what the provider's packages ship. */
    static Path builtProvider(String file) {
        return Path.of(System.getProperty("aami.provider.dir", "../terraform-provider/target/provider")).toAbsolutePath()
                .normalize().resolve(file);
    }

    static Path dir() {
        return Path.of(System.getProperty("aami.packages.dir", "target")).toAbsolutePath().normalize();
    }

    /**
     * aami-run as the agent module built it (agent/target/native/aami-run); absent when that build had no C compiler,
     * and then the agent's packages are all/noarch without it.
     */
    static Path runHelper() {
        return Path.of(System.getProperty("aami.run.helper", "../agent/target/native/aami-run")).toAbsolutePath().normalize();
    }

    /** Whether {@code name}'s packages hold aami-run and so are of this host's architecture: the agent's, when it was built. */
    static boolean holdsRunHelper(String name) {
        return name.equals(AGENT) && Files.isRegularFile(runHelper());
    }

    /** This host's architecture in dpkg's words (as stage-agent-deb.sh names it: dpkg, else uname -m mapped). */
    static String hostDebArch() throws Exception {
        if (onPath("dpkg")) {
            return run("dpkg", "--print-architecture").ok().output().strip();
        }
        String machine = hostRpmArch();
        return switch (machine) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> machine;
        };
    }

    /** This host's architecture in rpm's words (uname -m, as build-rpm.sh names it). */
    static String hostRpmArch() throws Exception {
        return run("uname", "-m").ok().output().strip();
    }

    /** The Architecture {@code name}'s .deb should have: this host's when it holds aami-run, else all. */
    static String debArch(String name) throws Exception {
        return holdsRunHelper(name) ? hostDebArch() : "all";
    }

    /** The architecture {@code name}'s .rpm should have: this host's when it holds aami-run, else noarch. */
    static String rpmArch(String name) throws Exception {
        return holdsRunHelper(name) ? hostRpmArch() : "noarch";
    }

    /**
     * target/NAME_VERSION_ARCH.deb, exactly one, ARCH all or this host's: which one it must be is for the tests of its
     * contents to say ({@link #debArch}).
     */
    static Path deb(String name) throws Exception {
        return only(name + "_", List.of("_all.deb", "_" + hostDebArch() + ".deb"));
    }

    /**
     * target/NAME-VERSION-RELEASE.ARCH.rpm, exactly one, ARCH noarch or this host's; none (rpmbuild missing when they
     * were built) skips.
     */
    static Path rpm(String name) throws Exception {
        List<String> suffixes = List.of(".noarch.rpm", "." + hostRpmArch() + ".rpm");
        List<Path> found = find(name + "-", suffixes);
        boolean present = !found.isEmpty();
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as(name + " .rpm in " + dir() + " (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, "no " + name + " .rpm in " + dir() + ": rpmbuild was missing when the packages were built");
        return only(name + "-", suffixes);
    }

    private static Path only(String prefix, List<String> suffixes) throws IOException {
        List<Path> found = find(prefix, suffixes);
        assertThat(found).as(prefix + "*" + suffixes + " in " + dir() + " (built by mvn package in the install module)").hasSize(1);
        return found.get(0);
    }

    private static List<Path> find(String prefix, List<String> suffixes) throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && suffixes.stream().anyMatch(n::endsWith);
            }).toList();
        }
    }

    /** Skips without {@code tool} on PATH (fails when AAMI_REQUIRE_TOOLS is set). */
    static void requireTool(String tool, String debianPackage) {
        boolean present = onPath(tool);
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as(tool + " on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, tool + " not installed (Debian package " + debianPackage + ")");
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }

    /** Runs {@code cmd} (no input, stderr with stdout) and waits up to two minutes. */
    static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd) + " finished").isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result run(String... cmd) throws Exception {
        return run(List.of(cmd));
    }

    /** {@code dpkg-deb -c}: every file's path and "mode owner/group"; every directory must be drwxr-xr-x root/root. */
    static Map<String, String> debFiles(Path deb) throws Exception {
        Map<String, String> listed = new TreeMap<>();
        for (String line : lines(run("dpkg-deb", "-c", deb.toString()).ok().output())) {
            String[] f = line.split("\\s+");
            String path = f[5].substring(1);
            if (f[0].startsWith("d")) {
                assertThat(f[0] + " " + f[1]).as("directory " + path).isEqualTo("drwxr-xr-x root/root");
            } else {
                listed.put(path, f[0] + " " + f[1]);
            }
        }
        return listed;
    }

    /**
     * {@code rpm -qp}: every file's path and "mode owner group flags" ({@code cn}: %config(noreplace), {@code g}:
     * %ghost); every directory must be drwxr-xr-x root root.
     */
    static Map<String, String> rpmFiles(Path rpm) throws Exception {
        Map<String, String> listed = new TreeMap<>();
        String format = "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags}: %{FILENAMES}\\n]";
        for (String line : lines(run("rpm", "-qp", "--qf", format, rpm.toString()).ok().output())) {
            String path = line.substring(line.indexOf(": ") + 2);
            String attrs = line.substring(0, line.indexOf(": ")).strip();
            if (attrs.startsWith("d")) {
                assertThat(attrs).as("directory " + path).isEqualTo("drwxr-xr-x root root");
            } else {
                listed.put(path, attrs);
            }
        }
        return listed;
    }

    /** The lines of {@code text}, stripped, without blank ones. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }
}
