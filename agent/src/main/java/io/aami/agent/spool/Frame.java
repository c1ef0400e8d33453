package io.aami.agent.spool;

/** One intact record as read from a segment: it spans bytes [offset, end) of its file. */
record Frame(long offset, long end, long seq, long appendedAtMillis, byte[] payload) {
}
