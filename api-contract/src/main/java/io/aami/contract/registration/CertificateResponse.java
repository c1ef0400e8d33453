package io.aami.contract.registration;

import java.time.Instant;

/** The renewed client certificate (PEM) and when it expires. */
public record CertificateResponse(String clientCertificate, Instant expiresAt) {
}
