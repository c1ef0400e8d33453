package io.aami.server.console.targets;

import java.util.UUID;

/** A group as a choice in a filter or a move. */
public record GroupOption(UUID id, String name) {
}
