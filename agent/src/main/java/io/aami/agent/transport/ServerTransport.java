package io.aami.agent.transport;

import io.aami.agent.identity.AgentCredentials;
import io.aami.contract.discovery.DiscoveryReportBatch;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.contract.registration.RegisterResponse;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ProbeReportBatch;
import io.aami.contract.results.ResultAck;
import java.time.Duration;
import java.util.Optional;

/**
 * Every call the agent makes to the config-server. REST today ({@link RestTransport}); the seed
 * asks for room for gRPC, which would be a second implementation of this interface. All methods
 * throw {@link TransportException} on failure.
 */
public interface ServerTransport extends AutoCloseable {
    /** Enrolls; {@code currentAgentToken} proves a re-registration of a live identity (may be null). */
    RegisterResponse register(RegisterRequest request, String currentAgentToken);

    HeartbeatResponse heartbeat(AgentCredentials credentials, HeartbeatRequest request);

    /**
     * The agent's policy bundle if its version differs from {@code knownVersion} (-1: none yet),
     * waiting up to {@code wait} for a change; empty when nothing changed.
     */
    Optional<PolicyBundle> fetchPolicy(AgentCredentials credentials, long knownVersion, Duration wait);

    ResultAck sendCheckResults(AgentCredentials credentials, CheckResultBatch batch);

    ResultAck sendProbeResults(AgentCredentials credentials, ProbeReportBatch batch);

    /** Host discovery reports (the {@code discovery} stream). */
    ResultAck sendDiscovery(AgentCredentials credentials, DiscoveryReportBatch batch);

    /** Renews the client certificate with a fresh CSR, over the current mTLS connection. */
    CertificateResponse renewCertificate(AgentCredentials credentials, CertificateRequest request);

    /** The server's CA certificate (PEM), fetched before it is trusted; the caller checks it against its pin. */
    String fetchCaCertificate();

    /** The server's policy-signing key and its rotation statements (public; trusted only as far as they verify). */
    PolicyKeyInfo fetchPolicyKey();

    @Override
    default void close() {
    }
}
