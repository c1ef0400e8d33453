package io.aami.terraform.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.contract.rules.FieldRules;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Conv;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import io.aami.terraform.values.Unknown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource that is one object of the admin API at {@code base/{id}}: created by POST (or PUT for a
 * client-chosen id), changed by PUT with the full body, read by GET, removed by DELETE. Attribute names are
 * the API's JSON field names unless {@link #jsonName} says otherwise; a nested block ({@link OptionBlock}) is one JSON
 * object of the API under its own name.
 */
abstract class ApiResource implements ResourceType {
    private final String name;
    private final String base;
    private final ObjectSchema schema;
    private final List<OptionBlock> blocks;

    ApiResource(String name, String base, ObjectSchema schema) {
        this(name, base, schema, List.of());
    }

    /** {@code attributes} and then {@code blocks}, the nested blocks, each one JSON object of the API. */
    ApiResource(String name, String base, ObjectSchema attributes, List<OptionBlock> blocks) {
        this.name = name;
        this.base = base;
        this.schema = new ObjectSchema(attributes.description(), attributes.attributes(),
                blocks.stream().map(OptionBlock::block).toList());
        this.blocks = blocks;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ObjectSchema schema() {
        return schema;
    }

    String path(Object id) {
        return base + "/" + id;
    }

    String base() {
        return base;
    }

    /** The JSON field an attribute is read from. */
    String jsonName(String attribute) {
        return attribute;
    }

    /** The request body: every attribute the operator sets (not computed-only), nulls left out. */
    Map<String, Object> body(Map<String, Object> planned) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : schema.attributes()) {
            Object v = planned.get(a.name());
            if ((a.required() || a.optional()) && v != null && v != Unknown.VALUE && !a.name().equals("id")) {
                out.put(jsonName(a.name()), v);
            }
        }
        for (OptionBlock b : blocks) {
            if (planned.get(b.name()) instanceof Map<?, ?> m) {
                out.put(b.name(), BlockValues.body(ObjectSchema.cast(m)));
            }
        }
        return out;
    }

    /** The state from the API's answer; where {@code reference} (plan or prior state) has null, empty stays null. */
    Map<String, Object> state(JsonNode node, Map<String, Object> reference) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : schema.attributes()) {
            Object v = Conv.fromJson(node, jsonName(a.name()), a.type());
            Object ref = reference == null ? null : reference.get(a.name());
            out.put(a.name(), ref == Unknown.VALUE ? v : Conv.keepNullForEmpty(ref, v));
        }
        for (OptionBlock b : blocks) {
            Map<String, Object> raw = reference != null && reference.get(b.name()) instanceof Map<?, ?> m ? ObjectSchema.cast(m) : null;
            out.put(b.name(), BlockValues.operatorForm(b, raw, BlockValues.fromJson(node, b.block()), out));
        }
        return out;
    }

    /** Each nested block by the API's rules (after the resource's own attributes). */
    void validateBlocks(Map<String, Object> config, Diags diags) {
        for (OptionBlock b : blocks) {
            b.validate(config.get(b.name()) instanceof Map<?, ?> m ? ObjectSchema.cast(m) : null, config, diags);
        }
    }

    @Override
    public Map<String, Object> create(Map<String, Object> planned, AamiClient client, Diags diags) {
        return state(client.post(base, body(planned)).json(), planned);
    }

    @Override
    public Map<String, Object> update(Map<String, Object> prior, Map<String, Object> planned, AamiClient client, Diags diags) {
        return state(client.put(path(prior.get("id")), body(planned)).json(), planned);
    }

    @Override
    public void delete(Map<String, Object> prior, AamiClient client) {
        client.delete(path(prior.get("id")));
    }

    @Override
    public Map<String, Object> read(Map<String, Object> prior, AamiClient client, Diags diags) {
        AamiClient.Reply r = client.get(path(prior.get("id")));
        return r.status() == 404 ? null : state(r.json(), prior);
    }

    @Override
    public Map<String, Object> importState(String id, AamiClient client, Diags diags) {
        String problem = FieldRules.uuid(id);
        if (problem != null) {
            diags.error("cannot import " + name, "id: " + problem);
            return null;
        }
        AamiClient.Reply r = client.get(path(id));
        if (r.status() == 404) {
            diags.error("cannot import " + name, name + " " + id + " does not exist on the server");
            return null;
        }
        return state(r.json(), null);
    }

    // Rules shared by several resources, each with the API's wording and the attribute named.

    static void uuid(Map<String, Object> config, String attr, Diags diags) {
        Object v = config.get(attr);
        if (v instanceof String s) {
            String problem = FieldRules.uuid(s);
            if (problem != null) {
                diags.error(attr, "invalid " + attr, attr + ": " + problem);
            }
        }
    }

    static void required(Map<String, Object> config, String attr, int max, Diags diags) {
        Object v = config.get(attr);
        if (v instanceof String s) {
            String problem = FieldRules.required(s, max);
            if (problem != null) {
                diags.error(attr, "invalid " + attr, attr + ": " + problem);
            }
        }
    }

    /** {@code interval_seconds}, when known, by the API's own rule. */
    static void interval(Map<String, Object> config, Diags diags) {
        if (config.get("interval_seconds") instanceof Number n) {
            String problem = FieldRules.interval(n.longValue());
            if (problem != null) {
                diags.error("interval_seconds", "invalid interval_seconds", "interval_seconds: " + problem);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void labels(Map<String, Object> config, Diags diags) {
        Object v = config.get("labels");
        if (v instanceof Map<?, ?> m && m.values().stream().allMatch(x -> x != Unknown.VALUE)) {
            String problem = FieldRules.labels((Map<String, String>) (Map<?, ?>) m);
            if (problem != null) {
                diags.error("labels", "invalid labels", "labels: " + problem);
            }
        }
    }

    /** The group named by {@code attr} exists (when known): the API's UNKNOWN_GROUP, at plan time. */
    static void groupExists(Map<String, Object> config, String attr, AamiClient client, Diags diags) {
        Object v = config.get(attr);
        if (v instanceof String s && FieldRules.uuid(s) == null && client.get("/api/v1/groups/" + s).status() == 404) {
            diags.error(attr, "unknown group", attr + ": group " + s + " does not exist");
        }
    }

    static Attr labelsAttr() {
        return Attr.optional("labels", AttrType.STRING_MAP, "Labels: at most 64, names of letters, digits, _ . - /.");
    }
}
