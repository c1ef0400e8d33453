package io.aami.server.pki;

import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** The client certificate a request was made with, as the TLS layer validated it. */
public final class PresentedCertificate {
    private static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private PresentedCertificate() {
    }

    /** The leaf certificate of the request's client chain, if any. */
    public static Optional<X509Certificate> of(Context ctx) {
        X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute(CLIENT_CERTIFICATES);
        return chain == null || chain.length == 0 ? Optional.empty() : Optional.of(chain[0]);
    }

    /** The serial (hex) of the client certificate this request was made with, if any. */
    public static Optional<String> serial(Context ctx) {
        return of(ctx).map(AgentCertificates::serialOf);
    }
}
