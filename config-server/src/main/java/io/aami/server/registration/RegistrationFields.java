package io.aami.server.registration;

import io.aami.server.validation.Fields;
import io.aami.contract.registration.AgentTokenFormat;
import io.aami.server.error.ApiException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Checks of registration fields beyond the shared ones; each failure is a 400 naming the field. */
final class RegistrationFields {
    private RegistrationFields() {
    }

    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > Fields.MAX_LABELS) {
            throw ApiException.invalid("metadata", "at most " + Fields.MAX_LABELS + " entries are allowed");
        }
        metadata.forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.length() > 128 || v == null || v.length() > 1024) {
                throw ApiException.invalid("metadata", "names must be 1-128 characters and values at most 1024");
            }
        });
        return new TreeMap<>(metadata);
    }

    static byte[] chosenToken(String sha256Hex) {
        if (sha256Hex == null) {
            return null;
        }
        if (!sha256Hex.matches(AgentTokenFormat.SHA256_HEX)) {
            throw ApiException.invalid("agent_token_sha256", "must be the SHA-256 of the agent token as 64 lowercase hex digits");
        }
        return HexFormat.of().parseHex(sha256Hex);
    }
}
