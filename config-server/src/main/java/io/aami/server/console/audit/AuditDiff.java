package io.aami.server.console.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.aami.contract.audit.AuditEventView;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An audit event's before and after as rows a person reads: one per top-level key of either state, its value before
 * and after as text (a nested value as compact JSON, cut at {@link #MAX_VALUE} characters so a page stays small),
 * whether it changed. The states are already free of secrets ({@code audit.AuditJson} stripped them when recording).
 */
final class AuditDiff {
    static final int MAX_VALUE = 300;
    /** The key a state that is no JSON object is shown under. */
    static final String WHOLE = "(value)";

    private final ObjectMapper mapper;

    AuditDiff(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    AuditPage.Event event(AuditEventView e) {
        JsonNode before = parse(e.before());
        JsonNode after = parse(e.after());
        Set<String> keys = new LinkedHashSet<>();
        keys(after, keys);
        keys(before, keys);
        List<AuditPage.Change> changed = new ArrayList<>();
        List<AuditPage.Change> same = new ArrayList<>();
        for (String key : keys) {
            JsonNode b = value(before, key);
            JsonNode a = value(after, key);
            AuditPage.Change row = new AuditPage.Change(key, text(b), text(a));
            (Objects.equals(b, a) ? same : changed).add(row);
        }
        return new AuditPage.Event(e, changed, same);
    }

    private JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException ex) {
            // Written by the server as JSON; should one not parse, show it as it is rather than fail the page.
            return mapper.getNodeFactory().textNode(json);
        }
    }

    private static void keys(JsonNode state, Set<String> into) {
        if (state == null || state.isNull()) {
            return;
        }
        if (!state.isObject()) {
            into.add(WHOLE);
            return;
        }
        for (Iterator<String> names = state.fieldNames(); names.hasNext(); ) {
            into.add(names.next());
        }
    }

    /** The key's value in {@code state}; null where the state or the key is absent. */
    private static JsonNode value(JsonNode state, String key) {
        if (state == null || state.isNull()) {
            return null;
        }
        if (!state.isObject()) {
            return key.equals(WHOLE) ? state : null;
        }
        return state.has(key) ? state.get(key) : null;
    }

    /** Null (absent) as null, the template's dash; JSON null as "null"; text as itself; the rest as compact JSON. */
    private static String text(JsonNode v) {
        if (v == null) {
            return null;
        }
        String s = v instanceof NullNode ? "null" : v.isTextual() ? v.asText() : v.toString();
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) + "\u2026" : s;
    }
}
