package io.aami.agent.spool;

import java.time.Instant;

/**
 * A snapshot of one spool. Counters (dropped, corrupt) count since this instance was opened.
 *
 * @param bytes                   segment bytes on disk
 * @param segments                segment files on disk
 * @param pendingRecords          records appended and not yet acknowledged
 * @param oldestPendingAppendedAt when the oldest pending record was appended; null when none is pending
 * @param droppedRecords          pending records lost because the spool was full, and records whose write the disk refused
 * @param droppedSegments         segments dropped because the spool was full
 * @param corruptRecords          damaged regions skipped (bad CRC, bad length, torn tail)
 * @param nextSeq                 the seq the next append gets
 * @param ackedSeq                everything up to here is acknowledged
 * @param submittedBytes          bytes of records appended by {@link ResultSpool#appendSubmitted} since open
 *                                and still on disk
 */
public record SpoolStats(long bytes, int segments, long pendingRecords, Instant oldestPendingAppendedAt,
                         long droppedRecords, long droppedSegments, long corruptRecords, long nextSeq, long ackedSeq, long submittedBytes) {
}
