package io.aami.agent.config;

import io.aami.common.config.ConfigTree;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.common.text.Strings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code api.tls.*} keys. Read with the others ({@link #read}); files checked after every key is known
 * ({@link #resolve}), so an unknown key is still the first error reported.
 * <ul>
 *   <li>{@code api.tls.cert_file}/{@code api.tls.key_file} (both or neither): checked now (readable, the key private to
 *       its owner and belonging to the certificate). Neither: the agent's own ({@code server.tls.client_cert}/
 *       {@code client_key}), which appear at enrollment and change at renewal, so they are not required yet.</li>
 *   <li>{@code api.tls.client_ca_file}: the CA a client's certificate must chain to; read now, so a typo is not an API
 *       that silently accepts everyone.</li>
 *   <li>Any of them without {@code api.tls.enabled}: an error, since the operator expects TLS the API would not speak.</li>
 * </ul>
 */
final class ApiTlsConfig {
    static final String ENABLED = "api.tls.enabled";
    static final String CERT_FILE = "api.tls.cert_file";
    static final String KEY_FILE = "api.tls.key_file";
    static final String CLIENT_CA_FILE = "api.tls.client_ca_file";

    private final boolean enabled;
    private final Path certFile;
    private final Path keyFile;
    private final Path clientCaFile;

    private ApiTlsConfig(boolean enabled, Path certFile, Path keyFile, Path clientCaFile) {
        this.enabled = enabled;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clientCaFile = clientCaFile;
    }

    /** The keys' values; syntax errors only. */
    static ApiTlsConfig read(ConfigTree t) {
        return new ApiTlsConfig(t.bool(ENABLED, false), path(t.string(CERT_FILE, null)), path(t.string(KEY_FILE, null)),
                path(t.string(CLIENT_CA_FILE, null)));
    }

    /** The API's TLS settings, files checked; {@code serverTls} gives the agent's own certificate and key. */
    AgentConfig.ApiTls resolve(ConfigTree t, AgentConfig.Tls serverTls) {
        if (!enabled) {
            String set = certFile != null ? CERT_FILE : keyFile != null ? KEY_FILE : clientCaFile != null ? CLIENT_CA_FILE : null;
            if (set != null) {
                throw t.invalid(set, "is set but " + ENABLED + " is false: the local API would serve plain HTTP; set "
                        + ENABLED + ": true (or remove " + set + ")");
            }
            return AgentConfig.ApiTls.OFF;
        }
        if ((certFile == null) != (keyFile == null)) {
            throw t.invalid(certFile == null ? CERT_FILE : KEY_FILE, "set " + CERT_FILE + " and " + KEY_FILE
                    + " together (or neither, to present the agent's own certificate)");
        }
        if (certFile == null && !serverTls.enabled()) {
            throw t.invalid(CERT_FILE, "server.tls.enabled is false, so the agent has no certificate of its own to present:"
                    + " set " + CERT_FILE + " and " + KEY_FILE);
        }
        if (certFile != null) {
            checkPair(t);
        }
        if (clientCaFile != null) {
            readCertificates(t, CLIENT_CA_FILE, clientCaFile);
        }
        return certFile != null ? new AgentConfig.ApiTls(true, certFile, keyFile, clientCaFile)
                : new AgentConfig.ApiTls(true, serverTls.clientCert(), serverTls.clientKey(), clientCaFile, true);
    }

    private void checkPair(ConfigTree t) {
        List<X509Certificate> chain = readCertificates(t, CERT_FILE, certFile);
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(keyFile);
        } catch (PkiException e) {
            throw t.invalid(KEY_FILE, e.getMessage());
        }
        try {
            Set<PosixFilePermission> shared = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile);
            shared.retainAll(mode);
            if (!shared.isEmpty()) {
                // Whoever reads it can pose as this agent's API to every client that trusts the certificate.
                throw t.invalid(KEY_FILE, keyFile + " is " + PosixFilePermissions.toString(mode)
                        + ": group or others can read the private key; chmod 0600 it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw t.invalid(KEY_FILE, "cannot read the mode of " + keyFile + ": " + e.getMessage());
        }
        if (!Keys.matches(key, chain.get(0).getPublicKey())) {
            throw t.invalid(KEY_FILE, "the key in " + keyFile + " does not belong to the certificate in " + certFile);
        }
    }

    private static List<X509Certificate> readCertificates(ConfigTree t, String key, Path file) {
        try {
            return Pem.readCertificates(file);
        } catch (PkiException e) {
            throw t.invalid(key, e.getMessage());
        }
    }

    private static Path path(String s) {
        String v = Strings.blankToNull(s);
        return v == null ? null : Path.of(v);
    }
}
