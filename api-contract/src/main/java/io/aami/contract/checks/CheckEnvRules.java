package io.aami.contract.checks;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which variables a check's {@code env} may set: the one rule the server's API (400 naming
 * {@code env.<NAME>}) and the agent (refuses to run the check, naming the variable) both apply.
 *
 * <p>A variable is refused when its name is not {@code [A-Za-z_][A-Za-z0-9_]*} (at most
 * {@link #MAX_NAME_CHARS}), its value has a NUL or is longer than {@link #MAX_VALUE_CHARS}, or its
 * name — compared ignoring case — is one of {@link #FORBIDDEN_NAMES} or starts with one of
 * {@link #FORBIDDEN_PREFIXES}. Those are the variables that make a program load code, commands or
 * configuration from a place the variable names before (or around) the script's own first line:
 * the dynamic loader ({@code LD_*}), glibc's own list of variables it strips for setuid programs
 * ({@code UNSECURE_ENVVARS}: {@code GCONV_PATH}, {@code LOCPATH}, {@code NLSPATH}, {@code TMPDIR}…),
 * malloc hooks, shell start-up and parsing hooks ({@code BASH_ENV}, {@code ENV}, exported functions
 * {@code BASH_FUNC_*}, {@code SHELLOPTS}, {@code PS4}, {@code IFS}…) and the start-up hooks of the
 * interpreters a script may call ({@code PYTHON*}, {@code PERL*}, {@code RUBY*}, {@code NODE_*},
 * Java's option variables, OpenSSL's config and engine paths).
 *
 * <p>{@code PATH} and {@code HOME} are set by the agent and may not be overridden: {@code PATH}
 * decides which program a bare command name runs, and {@code HOME} is where Python, curl, git and
 * others read per-user start-up files and modules from. {@code TMPDIR} is refused with the rest of
 * glibc's list: where a script's temporary files go is the host's choice. {@code LANG},
 * {@code LC_*} and {@code TZ} stay allowed: they only select among what is installed on the host.
 *
 * <p>Refusing these costs a check nothing it needs: a script that wants such a variable sets it
 * in its own text, which its SHA-256 (and a host's allow-list) covers, instead of in an {@code env}
 * entry that changes what an allow-listed script does.
 */
public final class CheckEnvRules {
    public static final int MAX_VARIABLES = 64;
    public static final int MAX_NAME_CHARS = 128;
    public static final int MAX_VALUE_CHARS = 4096;
    /** The POSIX portable form of an environment variable name. */
    public static final String NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_]*";

    /** Refused names, upper case; a name is compared in upper case. */
    public static final Set<String> FORBIDDEN_NAMES = Set.of(
            // Set by the agent itself.
            "PATH", "HOME",
            // Shell start-up files and parsing.
            "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "CDPATH", "GLOBIGNORE", "PROMPT_COMMAND", "EXECIGNORE",
            "POSIXLY_CORRECT",
            // glibc's UNSECURE_ENVVARS (those not already under LD_ or MALLOC_).
            "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "NIS_PATH", "NLSPATH",
            "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
            // Java and OpenSSL load code named by these.
            "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH",
            "OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES");

    /** Refused prefixes, upper case: whole families of loader and interpreter hooks. */
    public static final List<String> FORBIDDEN_PREFIXES = List.of(
            "LD_", "DYLD_", "MALLOC_", "BASH_", "PYTHON", "PERL", "RUBY", "GEM_", "NODE_");

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    private CheckEnvRules() {
    }

    /** Whether {@code name} is a well-formed variable name of at most {@link #MAX_NAME_CHARS}. */
    public static boolean isWellFormedName(String name) {
        return name != null && name.length() <= MAX_NAME_CHARS && NAME.matcher(name).matches();
    }

    /** Whether {@code name} is a loader, interpreter or agent-owned variable a check may not set. */
    public static boolean isForbiddenName(String name) {
        if (name == null) {
            return false;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        return FORBIDDEN_NAMES.contains(upper) || FORBIDDEN_PREFIXES.stream().anyMatch(upper::startsWith);
    }

    /** Why a check may not set {@code name=value}, or null when it may. */
    public static String problem(String name, String value) {
        if (!isWellFormedName(name)) {
            return "is not a variable name: use letters, digits and _, not starting with a digit, at most "
                    + MAX_NAME_CHARS + " characters";
        }
        if (isForbiddenName(name)) {
            return "may not be set by a check: it is a loader, shell or interpreter start-up hook or set by the agent"
                    + " (set it inside the script instead)";
        }
        if (value == null || value.indexOf('\0') >= 0 || value.length() > MAX_VALUE_CHARS) {
            return "needs a value of at most " + MAX_VALUE_CHARS + " characters without NUL";
        }
        return null;
    }
}
