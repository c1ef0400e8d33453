package io.aami.terraform.plugin;

import io.aami.terraform.api.ProviderSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One Terraform start handed to a warm JVM ({@link InstanceServer}): what the launcher sent through its request's
 * pipe. Strict; items {@code key=value}, each ended by a NUL byte, which no environment value or path can hold (so
 * a PEM's newlines need no encoding, and the shell needs no program to write it):
 * <pre>
 * pid=4242              the launcher Terraform started (the instance ends when it does)
 * ppid=4200             Terraform (the instance ends when it does; must be the launcher's parent)
 * cwd=/work/tf          the directory Terraform runs in (a relative ca_file is read from there)
 * cert=-----BEGIN...    PLUGIN_CLIENT_CERT, when Terraform set it
 * env.AAMI_TOKEN=...    each of the provider's own AAMI_* settings the launcher had (no other variable)
 * end
 * </pre>
 * Nothing here reaches the serving JVM's own environment: each instance reads its settings from its request only.
 */
record InstanceRequest(ProcessHandle launcher, ProcessHandle terraform, Path workDir, String clientCert,
                       Map<String, String> env) {
    /** A request is a few kilobytes; more is not our launcher talking. */
    static final int MAX_BYTES = 64 * 1024;
    private static final Set<String> SETTINGS = Set.copyOf(ProviderSettings.ENV.values());

    /** Parses {@code text}; a malformed request is an {@link IllegalArgumentException} naming the bad line. */
    static InstanceRequest parse(String text) {
        Long pid = null;
        Long ppid = null;
        Path cwd = null;
        String cert = null;
        Map<String, String> env = new HashMap<>();
        String[] items = text.split("\0", -1);
        if (items.length < 2 || !items[items.length - 2].equals("end") || !items[items.length - 1].isEmpty()) {
            throw new IllegalArgumentException("request: must end with 'end'");
        }
        for (int i = 0; i < items.length - 2; i++) {
            String item = items[i];
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? null : item.substring(eq + 1);
            if (value == null) {
                throw new IllegalArgumentException("request: '" + shorten(key) + "' has no value");
            }
            switch (key) {
                case "pid" -> pid = number(key, value);
                case "ppid" -> ppid = number(key, value);
                case "cwd" -> cwd = Path.of(value);
                case "cert" -> cert = value;
                default -> env.put(setting(key), value);
            }
        }
        if (pid == null || ppid == null || cwd == null || !cwd.isAbsolute()) {
            throw new IllegalArgumentException("request: needs pid, ppid and an absolute cwd");
        }
        ProcessHandle launcher = ProcessHandle.of(pid).orElseThrow(() -> new IllegalArgumentException("request: launcher gone"));
        ProcessHandle terraform = ProcessHandle.of(ppid).orElseThrow(() -> new IllegalArgumentException("request: parent gone"));
        long actualParent = launcher.parent().map(ProcessHandle::pid).orElse(-1L);
        if (actualParent != ppid) {
            throw new IllegalArgumentException("request: ppid " + ppid + " is not the launcher's parent (" + actualParent + ")");
        }
        return new InstanceRequest(launcher, terraform, cwd, cert, Map.copyOf(env));
    }

    private static long number(String key, String value) {
        if (!value.matches("[1-9][0-9]{0,9}")) {
            throw new IllegalArgumentException("request: " + key + " is not a process id");
        }
        return Long.parseLong(value);
    }

    private static String setting(String key) {
        String name = key.startsWith("env.") ? key.substring(4) : "";
        if (!SETTINGS.contains(name)) {
            throw new IllegalArgumentException("request: unknown item '" + shorten(key) + "' (env. takes one of " + SETTINGS + ")");
        }
        return name;
    }

    /** A key only, never a value (a value may be a secret, and refusals are logged), and not all of a long one. */
    private static String shorten(String key) {
        return key.length() > 40 ? key.substring(0, 40) + "…" : key;
    }

    @Override
    public String toString() {
        return "InstanceRequest[launcher=" + launcher.pid() + ", terraform=" + terraform.pid() + ", cwd=" + workDir
                + ", cert=" + (clientCert != null) + ", env=" + env.keySet() + "]";
    }
}
