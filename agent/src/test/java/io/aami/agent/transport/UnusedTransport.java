package io.aami.agent.transport;

import io.aami.agent.identity.AgentCredentials;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ProbeReportBatch;
import io.aami.contract.results.ResultAck;
import java.time.Duration;
import java.util.Optional;

/**
 * A transport for tests of one server call: the test overrides that call, and any other call the
 * code under test makes is a test bug, so it throws.
 */
public interface UnusedTransport extends ServerTransport {
    @Override
    default RegisterResponse register(RegisterRequest request, String currentAgentToken) {
        throw new UnsupportedOperationException("register");
    }

    @Override
    default HeartbeatResponse heartbeat(AgentCredentials credentials, HeartbeatRequest request) {
        throw new UnsupportedOperationException("heartbeat");
    }

    @Override
    default Optional<PolicyBundle> fetchPolicy(AgentCredentials credentials, long knownVersion, Duration wait) {
        throw new UnsupportedOperationException("fetchPolicy");
    }

    @Override
    default ResultAck sendCheckResults(AgentCredentials credentials, CheckResultBatch batch) {
        throw new UnsupportedOperationException("sendCheckResults");
    }

    @Override
    default ResultAck sendProbeResults(AgentCredentials credentials, ProbeReportBatch batch) {
        throw new UnsupportedOperationException("sendProbeResults");
    }

    @Override
    default ResultAck sendDiscovery(AgentCredentials credentials, io.aami.contract.discovery.DiscoveryReportBatch batch) {
        throw new UnsupportedOperationException("sendDiscovery");
    }

    @Override
    default CertificateResponse renewCertificate(AgentCredentials credentials, CertificateRequest request) {
        throw new UnsupportedOperationException("renewCertificate");
    }

    @Override
    default String fetchCaCertificate() {
        throw new UnsupportedOperationException("fetchCaCertificate");
    }

    @Override
    default PolicyKeyInfo fetchPolicyKey() {
        throw new UnsupportedOperationException("fetchPolicyKey");
    }
}
