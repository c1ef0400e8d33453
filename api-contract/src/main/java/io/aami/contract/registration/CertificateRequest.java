package io.aami.contract.registration;

/** {@code POST /api/v1/agents/{id}/certificate} over mTLS: a fresh PEM PKCS#10 request to renew. */
public record CertificateRequest(String csr) {
}
