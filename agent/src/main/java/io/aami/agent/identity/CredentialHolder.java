package io.aami.agent.identity;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The credential currently in use, shared by every loop that talks to the server. */
public final class CredentialHolder {
    private final AtomicReference<AgentCredentials> current = new AtomicReference<>();

    public Optional<AgentCredentials> current() {
        return Optional.ofNullable(current.get());
    }

    public void set(AgentCredentials credentials) {
        current.set(credentials);
    }
}
