package io.aami.server.pki;

import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.server.agentauth.AgentAuthenticator;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.contract.ErrorCode;
import io.aami.server.http.Fields;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/ca}: the CA certificate, public, for agents to check against their pin.
 * {@code POST /api/v1/agents/{id}/certificate}: renewal with a fresh CSR over an mTLS connection presenting the
 * agent's current certificate (never a replaced one, even within its grace).
 */
public final class PkiHandler {
    private final Database db;
    private final ClientCertificates certificates;
    private final JsonBodies bodies;

    /** @param certificates null when TLS is off */
    public PkiHandler(Database db, ClientCertificates certificates, JsonBodies bodies) {
        this.db = db;
        this.certificates = certificates;
        this.bodies = bodies;
    }

    public void ca(Context ctx) {
        ctx.contentType("application/x-pem-file").result(tlsOn().caPem());
    }

    public void renew(Context ctx) {
        ClientCertificates issuer = tlsOn();
        CertificateRequest req = bodies.read(ctx, CertificateRequest.class);
        String presented = AgentAuthenticator.presentedSerial(ctx)
                .orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "renewal needs the agent's current client certificate"));
        ClientCertificates.Issued issued = db.inTransaction(c -> issuer.renew(c, Fields.pathId(ctx), presented, req.csr()));
        ctx.json(new CertificateResponse(issued.pem(), issued.expiresAt()));
    }

    private ClientCertificates tlsOn() {
        if (certificates == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "this server runs without TLS (AAMI_TLS=off): there is no CA");
        }
        return certificates;
    }
}
