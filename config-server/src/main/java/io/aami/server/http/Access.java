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
    /**
     * Reading, never a secret: a user of any role, or the break-glass admin token (the monitoring token is
     * refused: 403).
     */
    VIEWER,
    /** Changing targets, groups, checks, probes and bootstrap tokens: an operator or admin user, or the admin token. */
    OPERATOR,
    /** Users, the CA and keys, everything else: an admin user or the break-glass admin token. */
    ADMIN,
    /** Prometheus reading, never changing: the monitoring token, the admin token or any user (service discovery). */
    MONITORING,
    /** Prometheus: public, or as {@link #MONITORING}, as {@code metrics.public} says. */
    METRICS_ACCESS
}
