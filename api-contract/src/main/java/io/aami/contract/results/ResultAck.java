package io.aami.contract.results;

/**
 * The server's answer to a result batch, sent only after commit. Everything of the batch's stream
 * epoch up to {@code ackedSeq} is stored; {@code duplicates} were stored before and are not stored twice;
 * {@code gap} counts sequence numbers that never arrived before this batch.
 */
public record ResultAck(long ackedSeq, int accepted, int duplicates, long gap) {
}
