package io.aami.server.audit;

import io.aami.server.error.ApiException;
import io.aami.server.validation.Fields;
import io.aami.server.validation.StorableText;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A page of the audit log: every filter optional (null), newest first, at most {@code limit} events with an id
 * below {@code after}. The actor is a user's id or a name (the user's, or {@code admin-token}); the object a
 * type, a {@code type:id}, or an id of any type.
 */
public record AuditQuery(UUID actorId, String actorName, String objectType, String objectId, Instant since, Instant until,
                         int limit, Long after) {
    static final Set<String> TYPES = Set.of(Change.GROUP, Change.TARGET, Change.CHECK, Change.PROBE, Change.BOOTSTRAP_TOKEN,
            Change.USER, Change.USER_TOKEN);
    private static final int MAX_NAME = 200;
    private static final int MAX_OBJECT = 150;
    /** An actor in this form is a user's id; anything else is a name. */
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    /**
     * The query for the filters as a client writes them (the API's parameters, the console's form): {@code actor} and
     * {@code object} raw (blank = none), each checked here, a bad one a 400 naming it. One rule for both readers.
     */
    public static AuditQuery of(String actor, String object, Instant since, Instant until, int limit, Long after) {
        String actorText = text("actor", actor, MAX_NAME);
        UUID actorId = actorText != null && UUID_FORM.matcher(actorText).matches() ? Fields.uuid("actor", actorText) : null;
        String[] o = object(text("object", object, MAX_OBJECT));
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.invalid("until", "must be later than since");
        }
        if (after != null && after < 1) {
            throw ApiException.invalid("after", "must be a positive event id");
        }
        return new AuditQuery(actorId, actorId == null ? actorText : null, o[0], o[1], since, until, limit, after);
    }

    /** {@code type}, {@code type:id} or an id of any type: {type, id}, either null. */
    private static String[] object(String object) {
        if (object == null) {
            return new String[2];
        }
        int colon = object.indexOf(':');
        if (colon >= 0) {
            String type = object.substring(0, colon);
            String id = object.substring(colon + 1);
            if (!TYPES.contains(type) || id.isEmpty()) {
                throw ApiException.invalid("object", "must be a type (one of " + String.join(", ", TYPES.stream().sorted().toList())
                        + "), type:id, or an id");
            }
            return new String[] {type, id};
        }
        return TYPES.contains(object) ? new String[] {object, null} : new String[] {null, object};
    }

    private static String text(String name, String v, int max) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String trimmed = StorableText.require(name, Fields.optional(name, v, max));
        return trimmed.isEmpty() ? null : trimmed;
    }
}
