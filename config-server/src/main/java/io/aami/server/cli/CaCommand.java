package io.aami.server.cli;

import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code aami-config-server ca pin [--data-dir ./data]}: prints the pin agents put in
 * {@code server.tls.ca_cert_sha256} (the SHA-256 of the CA certificate; public, not a secret).
 */
public final class CaCommand {
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public CaCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public int run(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("pin") || (args.size() != 1 && args.size() != 3)
                || (args.size() == 3 && !args.get(1).equals("--data-dir"))) {
            err.println("usage: ca pin [--data-dir ./data]");
            return 2;
        }
        Path dataDir = Path.of(args.size() == 3 ? args.get(2) : env.getOrDefault("AAMI_DATA_DIR", "./data"));
        Path ca = dataDir.resolve("pki/ca.crt");
        if (!Files.exists(ca)) {
            err.println("ca pin: no CA in " + ca + " (the server creates it on its first start with TLS on)");
            return 1;
        }
        try {
            out.println("sha256:" + Pem.sha256Hex(Pem.readCertificate(ca)));
            return 0;
        } catch (PkiException e) {
            err.println("ca pin: " + e.getMessage());
            return 1;
        }
    }
}
