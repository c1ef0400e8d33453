package io.aami.server.console.audit;

import io.aami.contract.audit.AuditEventView;
import io.aami.server.console.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The audit page's model: the filters as typed (to fill the form again), a refused one's message and field (then
 * no events), a page of events, and the links to the older page ({@code after} the last shown) and back to the newest.
 */
public record AuditPage(Page page, Filters filters, String error, String errorField, List<Event> events, String older,
                        String newest) {
    /** The form's values, raw. */
    public record Filters(String actor, String object, String since, String until) {
    }

    /** One event with its keys that changed and those that did not. */
    public record Event(AuditEventView event, List<Change> changed, List<Change> unchanged) {
        /** This page filtered to the event's actor. */
        public String actorLink() {
            return "/ui/audit?actor=" + URLEncoder.encode(event.actorName(), StandardCharsets.UTF_8);
        }

        /** This page filtered to the event's object. */
        public String objectLink() {
            return "/ui/audit?object=" + URLEncoder.encode(event.objectType() + ":" + event.objectId(), StandardCharsets.UTF_8);
        }
    }

    /** One key's value before and after (null: absent). */
    public record Change(String key, String before, String after) {
    }

    /** Whether the form's {@code field} is the one the server refused (it is then marked and described). */
    public boolean refused(String field) {
        return field.equals(errorField);
    }
}
