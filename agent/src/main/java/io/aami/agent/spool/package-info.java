/**
 * The agent's on-disk result spools ({@link io.aami.agent.spool.ResultSpool}, one per stream).
 *
 * <p><b>Sequence numbers.</b> Strictly increasing from 1, never reused, surviving restarts and crashes:
 * {@code <dir>/seq} holds a ceiling reserved (atomically, fsync'd) {@value io.aami.agent.spool.SeqAllocator#RESERVE_BLOCK}
 * numbers at a time, and the exact next value after a clean close. Open starts at the largest of that,
 * the highest seq in the segments + 1 and the acknowledged seq + 1. A crash leaves a gap of at most
 * one block, never a reuse.
 *
 * <p><b>Stream epoch.</b> The numbering belongs to a random epoch ({@code <dir>/epoch}, fsync'd before a
 * record is numbered in it), sent with every batch. It is kept only when the epoch and seq files are both
 * intact; otherwise (a new or deleted directory, a lost or damaged epoch or seq file) open starts a new
 * one, and so does {@link io.aami.agent.spool.ResultSpool#startNewEpoch} when the server holds numbers of the epoch the spool never
 * produced (a spool restored from an older copy). The server keeps a cursor per epoch, so a numbering
 * that started over is stored as a new stream, never acknowledged as duplicates.
 *
 * <p><b>Files.</b> {@code <first seq>.seg} segments of records (see {@link io.aami.agent.spool.RecordFormat}), rolled at
 * {@code segmentBytes}; {@code acked} (everything up to it is delivered); {@code seq}; {@code epoch};
 * {@code lock}.
 * When a record would take the spool past {@code maxBytes}, the oldest segment is dropped, delivered or
 * not, and its pending records are counted as dropped: appends never fail because the spool is full.
 * Records appended through {@link io.aami.agent.spool.ResultSpool#appendSubmitted} (results local programs
 * posted) are never a reason to drop: they go only into free room, within a byte share the caller names, and
 * are refused otherwise; the bytes of those on disk are counted per segment, since open.
 * A damaged record (bad CRC or length) is skipped and counted; reading resumes at the next intact one.
 *
 * <p><b>Durability.</b> Every append is one {@code write(2)} into the kernel before it returns, so a
 * process crash (kill -9, OOM killer, JVM crash) loses nothing {@code ResultSpool.append} returned under any policy.
 * On power failure or a kernel crash:
 * <ul>
 *   <li>{@link io.aami.agent.spool.FsyncPolicy#ALWAYS}: each record, and the directory entry of each new segment, is
 *       fsync'd before {@code append} returns: nothing {@code append} returned is lost. The ack position
 *       is fsync'd before {@code ack} returns: acknowledged records are not delivered again.</li>
 *   <li>{@link io.aami.agent.spool.FsyncPolicy#INTERVAL}: a background thread fsyncs the active segment and new directory
 *       entries every {@code fsyncInterval}; a rolled segment is fsync'd as it is closed, and close
 *       fsyncs. Lost: at most the records appended during the last interval (plus the duration of a
 *       running fsync). The ack position is fsync'd on every ack.</li>
 *   <li>{@link io.aami.agent.spool.FsyncPolicy#NEVER}: records and the ack position are left to the OS's write-back (Linux:
 *       dirty pages older than ~30 s). Lost: whatever was not yet written back; the ack position may move
 *       back, so records are delivered again (the server drops duplicates by seq).</li>
 * </ul>
 * Under every policy the {@code seq} ceiling is fsync'd before a number beyond it is handed out, so no
 * loss leads to a reused seq. A record torn by the failure at the end of the newest segment is cut off
 * at the next open (counted as corrupt).
 *
 */
package io.aami.agent.spool;
