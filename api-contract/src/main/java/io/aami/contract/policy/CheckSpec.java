package io.aami.contract.policy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One check as an agent receives it in its policy bundle. */
public record CheckSpec(UUID checkId, String name, String interpreter, String script, String scriptSha256,
                        List<String> args, Map<String, String> env, int intervalSeconds, int timeoutSeconds,
                        Map<String, String> labels) {
}
