package io.aami.contract.discovery;

import java.util.UUID;

/**
 * Who a remote address is, from the server's inventory: a target (and its group) when exactly one target has that
 * address, else the name of the {@code discovery.inventory} range holding it, else nothing ({@code kind}
 * {@code target}, {@code external} or {@code address}).
 */
public record Peer(String kind, String address, UUID targetId, String hostname, UUID groupId, String groupName, String name) {
}
