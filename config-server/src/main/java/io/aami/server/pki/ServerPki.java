package io.aami.server.pki;

import io.aami.server.config.ServerConfig;
import io.aami.server.http.TlsMaterial;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's key material, loaded or created once at startup: the CA and server certificate
 * (only with TLS on) and the policy signing key (always: bundles are signed whatever the transport); with TLS on,
 * the session-ticket key too ({@link SessionTicketKey}), so sessions resume across restarts and replicas.
 */
public record ServerPki(CertificateAuthority ca, ServerIdentity identity, PolicySigner signer, byte[] sessionTicketKey) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPki.class);

    public static ServerPki load(ServerConfig cfg, Clock clock, SecureRandom random) {
        ServerConfig.Tls tls = cfg.tls();
        CertificateAuthority ca = null;
        ServerIdentity identity = null;
        byte[] ticketKey = null;
        if (tls.enabled()) {
            ca = tls.caCert() != null
                    ? CertificateAuthority.fromFiles(tls.caCert(), tls.caKey(), clock, random)
                    : CertificateAuthority.loadOrCreate(cfg.pkiDir(), clock, random);
            identity = tls.cert() != null
                    ? ServerIdentity.fromFiles(tls.cert(), tls.key(), clock)
                    : ServerIdentity.loadOrCreate(cfg.pkiDir(), ca, tls.serverNames(), clock, random);
            ticketKey = SessionTicketKey.loadOrCreate(cfg.pkiDir(), random);
            // The pin is public (a hash of the CA certificate); agents need it to trust this server.
            LOG.info("CA pin for agents (server.tls.ca_cert_sha256): sha256:{}", ca.sha256Hex());
        }
        PolicySigner signer = cfg.policy().signingKey() != null
                ? PolicySigner.fromFile(cfg.policy().signingKey())
                : PolicySigner.loadOrCreate(cfg.pkiDir(), random);
        return new ServerPki(ca, identity, signer, ticketKey);
    }

    public boolean tls() {
        return ca != null;
    }

    /** The server certificate and the CA for the TLS connector (with TLS on only). */
    public TlsMaterial tlsMaterial() {
        return new TlsMaterial() {
            @Override
            public KeyStore keyStore(char[] password) {
                return identity.keyStore(password);
            }

            @Override
            public KeyStore trustStore() {
                return ca.trustStore();
            }

            @Override
            public byte[] sessionTicketKey() {
                return sessionTicketKey.clone();
            }
        };
    }
}
