package io.aami.contract.results;

import java.util.List;

/**
 * The agent's local API's answer to {@code POST /check-results} (202): every result was spooled,
 * numbered {@code seqs} in the agent's check-result stream, in the order given; the agent delivers them
 * to the server exactly once from there, like the results of its own runs.
 */
public record CheckResultReceipt(int accepted, List<Long> seqs) {
}
