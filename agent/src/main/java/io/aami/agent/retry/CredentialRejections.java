package io.aami.agent.retry;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.transport.TransportException;

/**
 * Where every loop reports the server's verdict on the agent's credential: the one place that decides
 * whether enrolling again is justified (enrollment implements it; the loops only report).
 */
public interface CredentialRejections {
    /**
     * The server refused {@code credentials} (a {@link Failure#CREDENTIAL_REJECTED} answer) to the loop
     * {@code loop}. True when the agent enrolled again, so the loop may go on at once.
     */
    boolean rejected(String loop, AgentCredentials credentials, TransportException e);

    /** The server accepted the credential in a request of {@code loop}. */
    void accepted(String loop);
}
