package io.aami.server.cli;

import io.aami.common.json.WireJson;
import io.aami.common.pki.PkiException;
import io.aami.contract.policy.KeyRotation;
import io.aami.server.pki.PolicySigner;
import io.aami.server.policy.PolicyKeyRotator;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code aami-config-server policy rotate-key [--data-dir ./data]}: replaces the policy-signing key
 * ({@code policy.signing_key}, or {@code <data dir>/pki/policy-signing.key}) with a new one and
 * publishes a rotation statement signed by the old key, which agents follow. Run it with the server
 * stopped (or restart it afterwards): the server signs with the key it loaded at start.
 */
public final class PolicyCommand {
    private static final String USAGE = "usage: policy rotate-key [--data-dir ./data]";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    public PolicyCommand(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public int run(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("rotate-key") || (args.size() != 1 && args.size() != 3)
                || (args.size() == 3 && !args.get(1).equals("--data-dir"))) {
            err.println(USAGE);
            return 2;
        }
        Path dataDir = Path.of(args.size() == 3 ? args.get(2) : env.getOrDefault("AAMI_DATA_DIR", "./data"));
        String configured = env.get("AAMI_POLICY_SIGNING_KEY");
        Path key = configured != null && !configured.isBlank() ? Path.of(configured) : dataDir.resolve("pki").resolve(PolicySigner.KEY_FILE);
        if (!Files.exists(key)) {
            err.println("policy rotate-key: no signing key in " + key + " (the server creates it on its first start)");
            return 1;
        }
        try {
            KeyRotation r = new PolicyKeyRotator(WireJson.mapper(), new SecureRandom()).rotate(key, clock.instant());
            out.println("rotated the policy-signing key " + r.oldKeyId() + " -> " + r.newKeyId()
                    + "; restart the server (every replica with this key) to sign with the new key");
            return 0;
        } catch (PkiException | UncheckedIOException | IllegalStateException e) {
            err.println("policy rotate-key: " + e.getMessage());
            return 1;
        }
    }
}
