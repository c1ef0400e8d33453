package io.aami.server.pki;

import static io.aami.contract.ApiPaths.CA;
import static io.aami.contract.ApiPaths.CERTIFICATE;
import static io.aami.server.http.Access.AGENT;
import static io.aami.server.http.Access.PUBLIC;

import io.aami.server.config.ServerConfig;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.http.TlsMaterial;
import java.security.SecureRandom;

/**
 * The server's key material (loaded or created at startup, see {@link ServerPki}), the CA endpoint and
 * client-certificate renewal. Depends on targets only (it announces credential changes); registration,
 * policy, the agent authenticator and the TLS connector use what it loaded.
 */
public final class PkiFeature {
    public static final RouteSet<PkiHandler> ROUTES = RouteSet.of(PkiHandler.class)
            .get(CA, PkiHandler::ca, PUBLIC)
            .post(CERTIFICATE, PkiHandler::renew, AGENT)
            .build();

    private final ServerPki pki;
    private final ClientCertificates certificates;

    public PkiFeature(ServerContext ctx) {
        ServerConfig cfg = ctx.config();
        pki = ServerPki.load(cfg, ctx.clock(), new SecureRandom());
        certificates = pki.tls()
                ? new ClientCertificates(pki.ca(), cfg.tls().clientCertValidity(), cfg.tls().previousCertificateGrace(), ctx.clock())
                : null;
        ctx.routes().bind(ROUTES, new PkiHandler(new CertificateService(ctx.db(), certificates), ctx.bodies()));
    }

    /** True when the server speaks TLS (and agents authenticate with client certificates). */
    public boolean tls() {
        return pki.tls();
    }

    /** The CA pin agents and {@code install-agent.sh --ca-pin} trust ({@code sha256:<hex>}), or null without TLS. */
    public String caPin() {
        return pki.tls() ? "sha256:" + pki.ca().sha256Hex() : null;
    }

    /** The connector's certificate and CA, or null without TLS. */
    public TlsMaterial tlsMaterial() {
        return pki.tls() ? pki.tlsMaterial() : null;
    }

    /** Issues enrolling agents' certificates; null without TLS. */
    public ClientCertificates certificates() {
        return certificates;
    }

    public PolicySigner signer() {
        return pki.signer();
    }
}
