package io.aami.server.http;

import io.javalin.security.RouteRole;

/** Who may call a route; every route in the {@link RouteTable} names exactly one. */
public enum Access implements RouteRole {
    /**
     * Health and readiness: anyone, and never refused for load — they answer from memory and read no
     * body, so they hold no thread for long, and a liveness probe must not fail because of an attack.
     */
    HEALTH,
    /** The CA certificate: anyone, within the bound on unauthenticated requests in flight. */
    PUBLIC,
    /** Enrollment: the bootstrap token in the body is the credential (bounded like {@link #PUBLIC}). */
    ENROLL,
    /** An enrolled agent, and only on its own {@code {id}}. */
    AGENT,
    /** An operator with the admin token (the monitoring token is refused: 403). */
    ADMIN,
    /** Prometheus reading, never changing: the monitoring token or the admin token (service discovery). */
    MONITORING,
    /** Prometheus: public, or as {@link #MONITORING}, as {@code metrics.public} says. */
    METRICS_ACCESS
}
