package io.aami.server.http;

import io.javalin.http.Context;
import java.util.UUID;

/** Authenticates the caller of an {@link Access#AGENT} route (implemented by the agent authenticator). */
@FunctionalInterface
public interface AgentAuthentication {
    /** The calling agent's id, which the path's {@code {id}} must name; throws 401/403 otherwise. */
    UUID require(Context ctx);
}
