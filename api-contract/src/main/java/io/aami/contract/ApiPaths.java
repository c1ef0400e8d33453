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

    public static final String TARGETS = V1 + "/targets";
    public static final String TARGET = TARGETS + "/{id}";

    public static final String AGENT = V1 + "/agents/{id}";
    public static final String HEARTBEAT = AGENT + "/heartbeat";

    private ApiPaths() {
    }

    /** {@code path} with its {@code {id}} replaced, for clients. */
    public static String withId(String path, Object id) {
        return path.replace("{id}", String.valueOf(id));
    }
}
