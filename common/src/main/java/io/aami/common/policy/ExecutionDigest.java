package io.aami.common.policy;

import io.aami.contract.policy.CheckSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SHA-256 of everything that shapes what a check runs: interpreter, script (by its SHA-256),
 * args in order and env. An agent's {@code checks.allowed_execution_sha256} lists these, so an
 * allow-listed script cannot be made to do something else by new arguments or variables; the
 * server shows it on every check ({@code execution_sha256}) for the operator to copy. Server and
 * agent both compute it here, so they cannot disagree.
 *
 * <p>Form hashed: the canonical JSON of {@link CanonicalJson} (fixed member order, env keys
 * sorted, strings escaped unambiguously) of
 * {@code {"format":"aami.execution.v1","interpreter":…,"script_sha256":<lower-case hex>,
 * "args":[…],"env":{…}}}, UTF-8; absent args and env count as empty. Changing this layout changes
 * every operator's allow-list: add a new format instead.
 */
public final class ExecutionDigest {
    public static final String FORMAT = "aami.execution.v1";

    private ExecutionDigest() {
    }

    /** The execution digest of {@code spec}, 64 lower-case hex digits. */
    public static String of(CheckSpec spec) {
        return of(spec.interpreter(), spec.scriptSha256(), spec.args(), spec.env());
    }

    /** The execution digest, 64 lower-case hex digits; null args or env count as empty. */
    public static String of(String interpreter, String scriptSha256, List<String> args, Map<String, String> env) {
        return sha256Hex(canonical(interpreter, scriptSha256, args, env));
    }

    static byte[] canonical(String interpreter, String scriptSha256, List<String> args, Map<String, String> env) {
        return new CanonicalJson().beginObject()
                .name("format").value(FORMAT)
                .name("interpreter").value(interpreter)
                .name("script_sha256").value(scriptSha256 == null ? null : scriptSha256.toLowerCase(Locale.ROOT))
                .name("args").strings(args == null ? List.of() : args)
                .name("env").stringMap(env == null ? Map.of() : env)
                .endObject().toBytes();
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
