package io.aami.server.cli;

import io.aami.common.config.ConfigException;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.server.config.ServerConfig;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code aami-config-server ca pin [--config FILE] [--data-dir DIR]}: prints the pin agents put in
 * {@code server.tls.ca_cert_sha256} (the SHA-256 of the CA certificate; public, not a secret). The CA is
 * the server's: {@code tls.ca_cert}, else {@code <data dir>/pki/ca.crt}, found through {@link ServerSetup}.
 */
public final class CaCommand {
    private static final String USAGE = "usage: ca pin " + ServerSetup.USAGE;

    private final CommandContext ctx;

    public CaCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the process exit code: 0, 1 (no usable CA), 2 (usage or configuration). */
    public int run(List<String> args) {
        ServerSetup setup;
        try {
            if (args.isEmpty() || !args.get(0).equals("pin")) {
                throw new IllegalArgumentException("which command?");
            }
            setup = ServerSetup.load(CommandOptions.parse(args.subList(1, args.size()), ServerSetup.OPTIONS), ctx.env(),
                    ctx.defaultConfig());
        } catch (IllegalArgumentException e) {
            ctx.err().println("ca: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (ConfigException e) {
            ctx.err().println("ca pin: the server's configuration is invalid: " + e.getMessage());
            return 2;
        }
        ServerConfig.Tls tls = setup.config().tls();
        Path ca = tls.caCert() != null ? tls.caCert() : setup.config().pkiDir().resolve(CertificateAuthority.CERT_FILE);
        if (!Files.exists(ca)) {
            ctx.err().println("ca pin: no CA certificate at " + ca + ". " + setup.whereFrom() + " To read the CA of a server, "
                    + ServerSetup.HINT + "; the server creates its CA there on its first start"
                    + (tls.enabled() ? "." : " with TLS on (this setup has it off: tls.enabled, AAMI_TLS)."));
            return 1;
        }
        try {
            ctx.out().println("sha256:" + Pem.sha256Hex(Pem.readCertificate(ca)));
            return 0;
        } catch (PkiException e) {
            ctx.err().println("ca pin: " + e.getMessage());
            return 1;
        }
    }
}
