package io.aami.contract.heartbeat;

/**
 * Where an agent's local API listens, as bound: {@code host} its {@code api.listen} host (an IP literal
 * without brackets, as bound and in canonical form: {@code 127.1} is sent as {@code 127.0.0.1}; a wildcard
 * {@code 0.0.0.0} or {@code ::} likewise; or a name, as written), {@code port} the port it got.
 */
public record LocalApiAddress(String host, Integer port) {
}
