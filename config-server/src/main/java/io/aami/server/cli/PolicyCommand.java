package io.aami.server.cli;

import io.aami.common.config.ConfigException;
import io.aami.common.json.WireJson;
import io.aami.common.pki.PkiException;
import io.aami.contract.policy.KeyRotation;
import io.aami.server.pki.PolicySigner;
import io.aami.server.policy.PolicyKeyRotator;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * {@code aami-config-server policy rotate-key [--config FILE] [--data-dir DIR]}: replaces the server's
 * policy-signing key ({@code policy.signing_key}, or {@code <data dir>/pki/policy-signing.key}, found through
 * {@link ServerSetup}) with a new one and publishes a rotation statement signed by the old key, which agents
 * follow. Run it with the server stopped (or restart it afterwards): the server signs with the key it loaded at start.
 */
public final class PolicyCommand {
    private static final String USAGE = "usage: policy rotate-key " + ServerSetup.USAGE;

    private final CommandContext ctx;

    public PolicyCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the process exit code: 0, 1 (no key, or the rotation failed), 2 (usage or configuration). */
    public int run(List<String> args) {
        ServerSetup setup;
        try {
            if (args.isEmpty() || !args.get(0).equals("rotate-key")) {
                throw new IllegalArgumentException("which command?");
            }
            setup = ServerSetup.load(CommandOptions.parse(args.subList(1, args.size()), ServerSetup.OPTIONS), ctx.env(),
                    ctx.defaultConfig());
        } catch (IllegalArgumentException e) {
            ctx.err().println("policy: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (ConfigException e) {
            ctx.err().println("policy rotate-key: the server's configuration is invalid: " + e.getMessage());
            return 2;
        }
        Path configured = setup.config().policy().signingKey();
        Path key = configured != null ? configured : setup.config().pkiDir().resolve(PolicySigner.KEY_FILE);
        if (!Files.exists(key)) {
            ctx.err().println("policy rotate-key: no signing key at " + key + ". " + (configured != null ? "It is policy.signing_key."
                    : setup.whereFrom()) + " To rotate a server's key, " + ServerSetup.HINT
                    + "; the server creates the key on its first start.");
            return 1;
        }
        try {
            KeyRotation r = new PolicyKeyRotator(WireJson.mapper(), new SecureRandom()).rotate(key, ctx.clock().instant());
            ctx.out().println("rotated the policy-signing key " + r.oldKeyId() + " -> " + r.newKeyId()
                    + "; restart the server (every replica with this key) to sign with the new key");
            return 0;
        } catch (PkiException | UncheckedIOException | IllegalStateException e) {
            ctx.err().println("policy rotate-key: " + e.getMessage());
            return 1;
        }
    }
}
