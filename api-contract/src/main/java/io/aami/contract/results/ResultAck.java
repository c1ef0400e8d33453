package io.aami.contract.results;

/**
 * The server's answer to a result batch, sent only after commit. Everything of the batch's stream
 * epoch up to {@code ackedSeq} is stored, or dropped for good (a check result whose check is no longer
 * assigned to the agent: neither in {@code accepted} nor in {@code duplicates}); {@code duplicates}
 * were stored before and are not stored twice;
 * {@code gap} counts sequence numbers that never arrived before this batch. An {@code ackedSeq} beyond
 * every seq the agent handed out in that epoch means the server holds numbers the agent never produced
 * (a spool restored from an older copy, or another client posting in the epoch): the agent then starts
 * a new epoch and sends the batch again.
 */
public record ResultAck(long ackedSeq, int accepted, int duplicates, long gap) {
}
