package io.aami.contract.sd;

import java.util.List;
import java.util.Map;

/**
 * One entry of Prometheus's HTTP service discovery answer ({@code GET /api/v1/sd/prometheus}, a JSON array
 * of these): the {@code host:port} targets and their labels, here all {@code __meta_aami_*} ones, which
 * Prometheus drops after relabeling unless the scrape config keeps them.
 */
public record SdTargetGroup(List<String> targets, Map<String, String> labels) {
    /** The label names, each prefixed {@code __meta_aami_}; an operator's label {@code k} is {@code __meta_aami_label_k}, sanitized. */
    public static final String AGENT_ID = "__meta_aami_agent_id";
    public static final String HOSTNAME = "__meta_aami_hostname";
    public static final String REPORTED_HOSTNAME = "__meta_aami_reported_hostname";
    public static final String GROUP_ID = "__meta_aami_group_id";
    public static final String GROUP_NAME = "__meta_aami_group_name";
    public static final String LABEL_PREFIX = "__meta_aami_label_";
}
