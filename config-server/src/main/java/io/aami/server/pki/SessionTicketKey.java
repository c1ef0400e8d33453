package io.aami.server.pki;

import io.aami.common.pki.PkiException;
import io.aami.common.pki.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key of the TLS server's session tickets, {@code pki/session-ticket.key} (32 random bytes, base64, 0600): kept so
 * that an agent's ticket resumes its session after a restart, and on every replica given a copy of {@code pki/}
 * (README "Several replicas"). It is as secret as the CA key beside it (a holder could mint a ticket for any client
 * certificate). Replace it on every replica and restart them to rotate it.
 */
final class SessionTicketKey {
    static final String FILE = "session-ticket.key";
    private static final Logger LOG = LoggerFactory.getLogger(SessionTicketKey.class);
    private static final int BYTES = 32;

    private SessionTicketKey() {
    }

    static byte[] loadOrCreate(Path pkiDir, SecureRandom random) {
        Path file = pkiDir.resolve(FILE);
        if (Files.exists(file)) {
            try {
                byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
                if (key.length != BYTES) {
                    throw new PkiException(file + " must hold " + BYTES + " bytes in base64, holds " + key.length);
                }
                return key;
            } catch (IOException | IllegalArgumentException e) {
                throw new PkiException("cannot read the session ticket key " + file + ": " + e.getMessage(), e);
            }
        }
        byte[] key = new byte[BYTES];
        random.nextBytes(key);
        PrivateFiles.write(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        LOG.info("created the TLS session ticket key {}", file);
        return key;
    }
}
