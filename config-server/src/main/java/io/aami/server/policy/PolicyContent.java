package io.aami.server.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.aami.common.json.WireJson;
import io.aami.contract.checks.CheckKinds;
import io.aami.contract.checks.CheckView;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.ProbeSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a target runs, in canonical form: checks de-duplicated by name (target beats group beats
 * global), sorted, and hashed over a canonical JSON encoding (fixed field order, sorted maps).
 */
public record PolicyContent(List<CheckSpec> checks, List<ProbeSpec> probes) {
    private static final ObjectMapper CANONICAL = WireJson.mapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** {@code applicable} must be ordered by name, then target, group, global (as the store returns it). */
    public static PolicyContent of(List<CheckView> applicable, List<ProbeSpec> probes) {
        List<CheckSpec> checks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CheckView v : applicable) {
            if (seen.add(v.name().toLowerCase(Locale.ROOT))) {
                // A script check's kind stays absent: the form every agent, old ones included, reads and signs.
                String kind = CheckKinds.SCRIPT.equals(CheckKinds.of(v.kind())) ? null : v.kind();
                checks.add(new CheckSpec(v.id(), v.name(), v.interpreter(), v.script(), v.scriptSha256(), v.args(),
                        v.env(), v.intervalSeconds(), v.timeoutSeconds(), v.labels(), kind, v.process()));
            }
        }
        return new PolicyContent(List.copyOf(checks), List.copyOf(probes));
    }

    /** SHA-256 of the canonical encoding; equal content, equal hash. */
    public String sha256() {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(Map.of("checks", checks, "probes", probes));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash policy content", e);
        }
    }
}
