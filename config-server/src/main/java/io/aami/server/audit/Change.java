package io.aami.server.audit;

/**
 * One change to record: what was done ({@code action}) to which object, and its state before and after (null
 * where it did not exist). The states are the objects' API views; {@link AuditJson} takes the secrets out.
 */
public record Change(String action, String objectType, String objectId, Object before, Object after) {
    public static final String GROUP = "group";
    public static final String TARGET = "target";
    public static final String CHECK = "check";
    public static final String PROBE = "probe";
    public static final String BOOTSTRAP_TOKEN = "bootstrap_token";
    public static final String USER = "user";
    public static final String USER_TOKEN = "user_token";

    public static Change created(String type, Object id, Object after) {
        return new Change("create", type, id.toString(), null, after);
    }

    public static Change updated(String type, Object id, Object before, Object after) {
        return new Change("update", type, id.toString(), before, after);
    }

    public static Change deleted(String type, Object id, Object before) {
        return new Change("delete", type, id.toString(), before, null);
    }

    public static Change revoked(String type, Object id, Object before, Object after) {
        return new Change("revoke", type, id.toString(), before, after);
    }
}
