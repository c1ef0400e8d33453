package io.aami.agent.checks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Absolute paths of the system programs the sandbox uses; null when not installed. Looked up in the
 * standard system directories only, never the agent's own PATH, which an operator's shell may have
 * pointed anywhere.
 */
record SystemTools(Path setsid, Path prlimit, Path setpriv, Path kill, Path id, Path env, Path sh) {
    /** The environment the privileged helpers get, whatever the check says: nothing a loader or shell reads. */
    static final java.util.Map<String, String> HELPER_ENV = java.util.Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C");

    static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"),
            Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

    /** Starts {@code command} as the sandbox's root helpers run: the fixed {@link #HELPER_ENV}, stdin closed, stderr into stdout. */
    static Process startHelper(List<String> command) throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(HELPER_ENV);
        Process p = builder.start();
        p.getOutputStream().close();
        return p;
    }

    static SystemTools detect() {
        return new SystemTools(find("setsid", SYSTEM_DIRS), find("prlimit", SYSTEM_DIRS),
                find("setpriv", SYSTEM_DIRS), find("kill", SYSTEM_DIRS), find("id", SYSTEM_DIRS),
                find("env", SYSTEM_DIRS), find("sh", SYSTEM_DIRS));
    }

    SystemTools withoutSetsid() {
        return new SystemTools(null, prlimit, setpriv, kill, id, env, sh);
    }

    /** The first executable regular file called {@code name} in {@code dirs}, or null. */
    static Path find(String name, List<Path> dirs) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
