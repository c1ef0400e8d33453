package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The {@code icmp} object of an ICMP probe (policy definitions, scheduled probes, the agent's local API). Every field is
 * optional; {@link IcmpProbeRules#check} fills the defaults and refuses what is out of bounds.
 *
 * @param count       echo requests to send ({@value IcmpProbeRules#DEFAULT_COUNT} by default, at most
 *                    {@value IcmpProbeRules#MAX_COUNT}); the loss percentage is over these
 * @param intervalMs  milliseconds between two echo requests of the probe (default {@value IcmpProbeRules#DEFAULT_INTERVAL_MS},
 *                    at least {@value IcmpProbeRules#MIN_INTERVAL_MS})
 * @param unknownKeys keys this record does not know: refused by {@link IcmpProbeRules}, as a misspelt option would
 *                    otherwise silently probe differently
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IcmpProbeOptions(Integer count, Integer intervalMs, @JsonAnySetter @JsonAnyGetter Map<String, Object> unknownKeys) {

    public IcmpProbeOptions(Integer count, Integer intervalMs) {
        this(count, intervalMs, null);
    }

    /** All defaults: one echo. */
    public static IcmpProbeOptions defaults() {
        return new IcmpProbeOptions(null, null);
    }
}
