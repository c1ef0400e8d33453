package io.aami.terraform.resources;

import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.util.Map;

/**
 * A nested block of a resource that is one JSON object of the API ({@code http}, {@code icmp}, {@code process}), its
 * attributes named as the object's keys. The server fills defaults in and normalizes spellings; {@link #normalized}
 * says what it makes of the operator's block, by api-contract's rules, so that {@link BlockValues#operatorForm}
 * can keep what the operator wrote (or left out) wherever the server's answer is just that, and a block the operator
 * left out stays absent while the server's object is only the defaults.
 */
interface OptionBlock {
    ObjectSchema.Block block();

    default String name() {
        return block().name();
    }

    /**
     * What the server keeps for {@code raw} (the block's values; null when absent) on a resource whose other values are
     * {@code resource}, as block values; null when the server keeps no such object there or refuses {@code raw}.
     */
    Map<String, Object> normalized(Map<String, Object> raw, Map<String, Object> resource);

    /** The API's rules at plan time, errors on the attribute path the API names ({@code http.expected_status[0]}). */
    void validate(Map<String, Object> raw, Map<String, Object> config, Diags diags);
}
