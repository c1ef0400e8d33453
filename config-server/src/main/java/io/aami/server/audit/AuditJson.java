package io.aami.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An object's state as the audit log stores it: its API view as JSON with every secret taken out, bounded.
 * <ul>
 *   <li>Fields that are or may hold a credential are dropped wherever they appear: passwords, hashes, token
 *       secrets, keys (the views carry none, but a view that one day does must not leak into the log); not
 *       keys of user-chosen maps such as labels, which are data.</li>
 *   <li>A check's {@code script} is replaced by its size ({@code script_bytes}) next to its {@code script_sha256}:
 *       the text may be 1 MiB, and the digest is what an agent's allow-list names anyway.</li>
 *   <li>A check's {@code env} becomes {@code env_names}: values may be credentials, and a SHA-256 of a short
 *       password is guessed offline. A changed value still shows, as a changed {@code execution_sha256}.</li>
 *   <li>A state larger than {@link #MAX_BYTES} is stored as its size and SHA-256 only; NUL characters, which
 *       {@code jsonb} refuses, become U+FFFD.</li>
 * </ul>
 */
final class AuditJson {
    static final int MAX_BYTES = 16 * 1024;
    private static final Set<String> SECRETS = Set.of("password", "password_hash", "token", "secret", "secret_sha256",
            "secret_hash", "token_sha256", "agent_token", "agent_token_sha256", "private_key", "key", "csr");

    /**
     * Maps whose keys the user chose (a label may well be called {@code token}): their keys are data, not
     * field names, so nothing in them is dropped, or a change to such a label would escape the log.
     */
    private static final Set<String> USER_MAPS = Set.of("labels", "reported_labels", "metadata", "annotations");

    private final ObjectMapper mapper;

    AuditJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The stored form of {@code state}, or null for none. */
    String write(Object state) {
        if (state == null) {
            return null;
        }
        JsonNode tree = mapper.valueToTree(state);
        if (tree instanceof ObjectNode o) {
            scriptAndEnv(o);
        }
        JsonNode clean = clean(tree, true);
        try {
            byte[] bytes = mapper.writeValueAsBytes(clean);
            if (bytes.length <= MAX_BYTES) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            ObjectNode digest = mapper.createObjectNode();
            digest.put("omitted", "larger than " + MAX_BYTES + " bytes");
            digest.put("bytes", bytes.length);
            digest.put("sha256", sha256(bytes));
            return mapper.writeValueAsString(digest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit state", e);
        }
    }

    private static void scriptAndEnv(ObjectNode o) {
        JsonNode script = o.remove("script");
        if (script != null && script.isTextual()) {
            byte[] text = script.asText().getBytes(StandardCharsets.UTF_8);
            o.put("script_bytes", text.length);
            if (!o.hasNonNull("script_sha256")) {
                o.put("script_sha256", sha256(text));
            }
        }
        JsonNode env = o.remove("env");
        if (env != null && env.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            env.fieldNames().forEachRemaining(names::add);
            ArrayNode list = o.putArray("env_names");
            names.forEach(list::add);
        }
    }

    private static JsonNode clean(JsonNode node, boolean fieldNames) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (fieldNames && SECRETS.contains(name)) {
                    o.remove(name);
                } else {
                    o.set(name, clean(o.get(name), fieldNames && !USER_MAPS.contains(name)));
                }
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, clean(a.get(i), fieldNames));
            }
            return a;
        }
        if (node.isTextual() && node.asText().indexOf('\0') >= 0) {
            return TextNode.valueOf(node.asText().replace('\0', '\uFFFD'));
        }
        return node;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
