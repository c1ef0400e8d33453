package io.aami.server.pki;

import io.aami.server.http.Params;
import io.aami.contract.ErrorCode;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.server.error.ApiException;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/ca}: the CA certificate, public, for agents to check against their pin.
 * {@code POST /api/v1/agents/{id}/certificate}: renewal with a fresh CSR over an mTLS connection presenting the
 * agent's current certificate (never a replaced one, even within its grace).
 */
public final class PkiHandler {
    private final CertificateService certificates;
    private final JsonBodies bodies;

    public PkiHandler(CertificateService certificates, JsonBodies bodies) {
        this.certificates = certificates;
        this.bodies = bodies;
    }

    public void ca(Context ctx) {
        ctx.contentType("application/x-pem-file").result(certificates.caPem());
    }

    public void renew(Context ctx) {
        certificates.requireTls();
        CertificateRequest req = bodies.read(ctx, CertificateRequest.class);
        String presented = PresentedCertificate.serial(ctx)
                .orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "renewal needs the agent's current client certificate"));
        ClientCertificates.Issued issued = certificates.renew(Params.pathId(ctx), presented, req.csr());
        ctx.json(new CertificateResponse(issued.pem(), issued.expiresAt()));
    }
}
