package io.aami.agent.checks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The unprivileged account scripts run as when the agent runs as root; {@code groups} are all its
 * groups ({@code id -G}), which {@code aami-run} sets as the supplementary groups, as
 * {@code setpriv --init-groups} does per run.
 */
record RunAsUser(String name, long uid, long gid, List<Long> groups) {
    RunAsUser {
        groups = List.copyOf(groups);
    }

    RunAsUser(String name, long uid, long gid) {
        this(name, uid, gid, List.of(gid));
    }

    /** Portable user names; rules out option injection ("-x") and anything a shell could misread. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?");

    static void requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("run_as must be a user name like 'aami', got '" + name + "'");
        }
    }

    /** Resolves {@code name} with id(1), so NSS users (LDAP, sssd) work too; fails with a clear message. */
    static RunAsUser resolve(String name, Path idTool) {
        requireValidName(name);
        if (idTool == null) {
            throw new IllegalStateException("cannot resolve run_as user '" + name + "': id(1) is not installed");
        }
        long uid = Long.parseLong(id(idTool, "-u", name));
        long gid = Long.parseLong(id(idTool, "-g", name));
        if (uid == 0) {
            throw new IllegalStateException("run_as user '" + name + "' is uid 0; check scripts must run as an"
                    + " unprivileged user");
        }
        List<Long> groups = Arrays.stream(id(idTool, "-G", name).split("\\s+")).map(Long::parseLong).toList();
        return new RunAsUser(name, uid, gid, groups);
    }

    /** id(1)'s answer for {@code flag} and {@code name}: digits, or for -G digits separated by spaces. */
    private static String id(Path idTool, String flag, String name) {
        try {
            Process p = new ProcessBuilder(idTool.toString(), flag, name).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("cannot resolve run_as user '" + name + "': id(1) hangs");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("run_as user '" + name + "' does not exist on this host (" + out
                        + "); create it, e.g. useradd --system --no-create-home --shell /usr/sbin/nologin "
                        + name + ", or configure another unprivileged user");
            }
            if (!out.matches("[0-9]{1,10}( [0-9]{1,10})*")) {
                throw new IllegalStateException("cannot resolve run_as user '" + name + "': id " + flag + " said '"
                        + out + "'");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve run_as user '" + name + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resolving run_as user '" + name + "'", e);
        }
    }
}
