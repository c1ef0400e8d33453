package io.aami.server.http;

import io.javalin.security.RouteRole;

/** Who may call a route; every route in {@link Routes} names exactly one. */
public enum Access implements RouteRole {
    /** Health, readiness, the CA certificate. */
    PUBLIC,
    /** Enrollment: the bootstrap token in the body is the credential. */
    ENROLL,
    /** An enrolled agent, and only on its own {@code {id}}. */
    AGENT,
    /** An operator with the admin token. */
    ADMIN,
    /** Prometheus: public or admin, as {@code metrics.public} says. */
    METRICS_ACCESS
}
