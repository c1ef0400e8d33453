package io.aami.server.agentauth;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.AgentAuthentication;
import java.time.Duration;

/**
 * Who calls an agent route: the {@link AgentAuthenticator}, fed by the change feed's credential
 * notices. Serves no route itself; the HTTP access filter uses its {@link #authentication}.
 * Depends on targets (the credentials topic, the revoked status) and pki (certificate parsing).
 */
public final class AgentAuthFeature {
    /** How long a credential lookup is cached when no change notice arrives. */
    private static final Duration CACHE_FOR = Duration.ofSeconds(60);

    private final AgentAuthenticator authenticator;

    /** @param certificates true with TLS: agents authenticate with client certificates, else with their token */
    public AgentAuthFeature(ServerContext ctx, boolean certificates) {
        authenticator = new AgentAuthenticator(ctx.db(), ctx.clock(), CACHE_FOR, certificates);
        ctx.changes().subscribe(authenticator::onChange);
    }

    public AgentAuthentication authentication() {
        return authenticator;
    }
}
