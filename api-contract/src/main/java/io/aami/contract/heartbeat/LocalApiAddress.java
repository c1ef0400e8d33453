package io.aami.contract.heartbeat;

/**
 * Where an agent's local API listens, as bound: {@code host} its {@code api.listen} host (an IP literal
 * without brackets, a wildcard {@code 0.0.0.0} or {@code ::}, or a name), {@code port} the port it got.
 */
public record LocalApiAddress(String host, Integer port) {
}
