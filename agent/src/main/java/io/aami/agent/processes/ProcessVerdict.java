package io.aami.agent.processes;

/** A process check's outcome: {@code status} in {@code CheckStatus}'s wire form and what the output says. */
public record ProcessVerdict(String status, String output) {
}
