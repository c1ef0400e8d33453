package io.aami.agent.spool;

import java.time.Instant;

/**
 * One spooled result: its stream sequence number, the payload the caller encoded for that number,
 * and when it was appended. The payload array is the caller's to keep; the spool holds no reference.
 */
public record SpoolRecord(long seq, byte[] payload, Instant appendedAt) {
}
