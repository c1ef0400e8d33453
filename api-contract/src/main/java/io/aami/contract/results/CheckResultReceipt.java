package io.aami.contract.results;

import java.util.List;

/**
 * The agent's local API's answer to {@code POST /check-results} (202): every result was spooled,
 * numbered {@code seqs} in the check stream's {@code streamEpoch}, in the order given; the agent
 * delivers them to the server exactly once from there.
 */
public record CheckResultReceipt(int accepted, String streamEpoch, List<Long> seqs) {
}
