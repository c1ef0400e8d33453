package io.aami.agent.feature;

/**
 * A background loop that runs until the stop signal. {@code interruptOnStop}: the loop blocks in
 * long waits (a policy long poll) that only an interrupt ends promptly; loops doing file I/O (the
 * spool) must not be interrupted, as that closes their channels.
 */
public record Loop(String name, Runnable body, boolean interruptOnStop) {
}
