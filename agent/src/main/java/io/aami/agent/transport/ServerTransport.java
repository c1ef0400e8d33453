package io.aami.agent.transport;

import io.aami.agent.identity.AgentCredentials;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;

/**
 * Every call the agent makes to the config-server. REST today ({@link RestTransport}); the seed
 * asks for room for gRPC, which would be a second implementation of this interface. All methods
 * throw {@link TransportException} on failure.
 */
public interface ServerTransport extends AutoCloseable {
    /** Enrolls; {@code currentAgentToken} proves a re-registration of a live identity (may be null). */
    RegisterResponse register(RegisterRequest request, String currentAgentToken);

    HeartbeatResponse heartbeat(AgentCredentials credentials, HeartbeatRequest request);

    @Override
    default void close() {
    }
}
