package io.aami.server.console.targets;

import io.aami.server.console.Page;

/** The 404 page of a target id that names no target (as typed: the template escapes it). */
public record MissingTargetPage(Page page, String id) {
}
