package io.aami.contract;

/** Every HTTP path both sides agree on. {@code {id}} is a path parameter. */
public final class ApiPaths {
    public static final String V1 = "/api/v1";

    public static final String HEALTH = "/health";
    public static final String READY = "/ready";
    public static final String METRICS = "/metrics";

    public static final String GROUPS = V1 + "/groups";
    public static final String GROUP = GROUPS + "/{id}";

    public static final String BOOTSTRAP_TOKENS = V1 + "/bootstrap-tokens";
    public static final String BOOTSTRAP_TOKEN = BOOTSTRAP_TOKENS + "/{id}";
    public static final String REGISTER = BOOTSTRAP_TOKENS + "/register";
    public static final String BOOTSTRAP_TOKEN_USES = BOOTSTRAP_TOKEN + "/uses";
    /** The CA certificate (PEM), public: agents fetch it and check it against their pin. */
    public static final String CA = V1 + "/ca";
    /** The policy-signing key and its signed rotation statements (public). */
    public static final String POLICY_KEY = V1 + "/policy-key";

    public static final String TARGETS = V1 + "/targets";
    public static final String TARGET = TARGETS + "/{id}";

    public static final String TARGET_REVOKE = TARGET + "/revoke";
    /** One change to many targets in one transaction (move to a group, revoke): what the console's bulk actions send. */
    public static final String TARGETS_BULK = TARGETS + "/bulk";
    public static final String TARGET_CHECKS = TARGET + "/checks";
    public static final String TARGET_CHECK_RESULTS = TARGET + "/check-results";

    public static final String CHECKS = V1 + "/checks";
    public static final String CHECK = CHECKS + "/{id}";
    public static final String CHECK_ENABLED = CHECK + "/enabled";
    /** The seed's path: an agent pulls its effective policy (checks and probes) here. */
    public static final String POLICY = CHECKS + "/target/{id}";

    public static final String PROBES = V1 + "/probes";
    public static final String PROBE = PROBES + "/{id}";
    public static final String PROBE_ENABLED = PROBE + "/enabled";
    public static final String PROBE_MATRIX = PROBES + "/matrix";
    public static final String TARGET_PROBES = TARGET + "/probes";
    public static final String TARGET_PROBE_RESULTS = TARGET + "/probe-results";

    /** Host discovery (issue 11): what a target's latest reports say, and the fleet's dependency graph. */
    public static final String TARGET_SERVICES = TARGET + "/services";
    public static final String TARGET_DEPENDENCIES = TARGET + "/dependencies";
    public static final String TARGET_CONNECTIONS = TARGET + "/connections";
    public static final String DEPENDENCIES = V1 + "/dependencies";
    public static final String DEPENDENCIES_UNCOVERED = DEPENDENCIES + "/uncovered";

    /** Named users (admin): each has one role, {@code viewer}, {@code operator} or {@code admin}. */
    public static final String USERS = V1 + "/users";
    public static final String USER = USERS + "/{id}";
    public static final String USER_PASSWORD = USER + "/password";
    public static final String USER_TOKENS = USER + "/tokens";
    public static final String USER_TOKEN = USER_TOKENS + "/{token_id}";
    /** The caller: who the credential acts as, and its own API tokens. */
    public static final String ME = V1 + "/me";
    public static final String ME_TOKENS = ME + "/tokens";
    public static final String ME_TOKEN = ME_TOKENS + "/{token_id}";
    /** A user's own API token for its name and password: how a user gets its first token (never an admin for it). */
    public static final String LOGIN_TOKENS = V1 + "/login/tokens";
    /**
     * The console's browser session: {@code POST} logs in by name and password (sets the {@code aami_session}
     * cookie), {@code GET} says who it is and its CSRF token, {@code DELETE} logs out.
     */
    public static final String LOGIN_SESSION = V1 + "/login/session";

    /** The fleet at a glance (viewer): targets by status, checks by latest status; what the console's overview polls. */
    public static final String FLEET_SUMMARY = V1 + "/fleet/summary";

    /** The audit log (admin): every change made through the admin API, newest first. */
    public static final String AUDIT = V1 + "/audit";

    /** Prometheus HTTP service discovery: the agents whose local {@code /metrics} can be scraped. */
    public static final String SD_PROMETHEUS = V1 + "/sd/prometheus";

    public static final String AGENT = V1 + "/agents/{id}";
    public static final String HEARTBEAT = AGENT + "/heartbeat";
    public static final String CHECK_RESULTS = AGENT + "/check-results";
    public static final String PROBE_RESULTS = AGENT + "/probe-results";
    public static final String DISCOVERY_REPORTS = AGENT + "/discovery";
    public static final String CERTIFICATE = AGENT + "/certificate";

    private ApiPaths() {
    }

    /** {@code path} with its {@code {id}} replaced, for clients. */
    public static String withId(String path, Object id) {
        return path.replace("{id}", String.valueOf(id));
    }
}
