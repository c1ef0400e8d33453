package io.aami.agent.transport;

import io.aami.agent.identity.AgentCredentials;
import io.aami.contract.discovery.DiscoveryReportBatch;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One loop's transport over several servers: each call goes to the loop's current server
 * ({@link ServerChoice}) and its outcome decides whether the loop moves on. The call itself is never
 * repeated here: the loop retries after its own backoff, and a result batch whose answer was lost is
 * sent again to whichever server is current then, which stores it once (the stream's cursor is in the
 * database every replica shares).
 */
final class FailoverTransport implements ServerTransport {
    private final List<ServerTransport> servers;
    private final ServerChoice choice;

    FailoverTransport(List<ServerTransport> servers, ServerChoice choice) {
        this.servers = List.copyOf(servers);
        this.choice = choice;
    }

    private <T> T call(Function<ServerTransport, T> work) {
        int at = choice.current();
        try {
            T out = work.apply(servers.get(at));
            choice.answered();
            return out;
        } catch (TransportException e) {
            choice.failed(at, e);
            throw e;
        }
    }

    @Override
    public RegisterResponse register(RegisterRequest request, String currentAgentToken) {
        return call(t -> t.register(request, currentAgentToken));
    }

    @Override
    public HeartbeatResponse heartbeat(AgentCredentials credentials, HeartbeatRequest request) {
        return call(t -> t.heartbeat(credentials, request));
    }

    @Override
    public Optional<PolicyBundle> fetchPolicy(AgentCredentials credentials, long knownVersion, Duration wait) {
        return call(t -> t.fetchPolicy(credentials, knownVersion, wait));
    }

    @Override
    public ResultAck sendCheckResults(AgentCredentials credentials, CheckResultBatch batch) {
        return call(t -> t.sendCheckResults(credentials, batch));
    }

    @Override
    public ResultAck sendProbeResults(AgentCredentials credentials, ProbeReportBatch batch) {
        return call(t -> t.sendProbeResults(credentials, batch));
    }

    @Override
    public ResultAck sendDiscovery(AgentCredentials credentials, DiscoveryReportBatch batch) {
        return call(t -> t.sendDiscovery(credentials, batch));
    }

    @Override
    public CertificateResponse renewCertificate(AgentCredentials credentials, CertificateRequest request) {
        return call(t -> t.renewCertificate(credentials, request));
    }

    @Override
    public String fetchCaCertificate() {
        return call(ServerTransport::fetchCaCertificate);
    }

    @Override
    public PolicyKeyInfo fetchPolicyKey() {
        return call(ServerTransport::fetchPolicyKey);
    }
}
