package io.aami.agent.spool;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader side of a spool: where the oldest unacknowledged record is, what {@link #peek} returns
 * and how {@link #ack} moves on. The cursor always points into the head (oldest) segment, because a
 * segment the cursor leaves is fully consumed and deleted at once. Bytes between the cursor and the
 * first pending record are acknowledged, stale or damaged records; the cursor skips them lazily.
 * {@link #peek} remembers where each returned record ends, so acknowledging them costs no reads.
 * Guarded by the spool lock.
 */
final class DeliveryCursor {
    /** Told once per damaged region [from, to) of a segment. */
    interface DamageListener {
        void damaged(Segment segment, long from, long to);
    }

    private record Mark(long seq, Segment segment, long end) {
    }

    private final SegmentLog log;
    private final DurableLong ackedState;
    private final DamageListener damage;
    private final List<Mark> marks = new ArrayList<>();
    private long offset;
    private long ackedThrough;
    // Damage is reported once: peek re-reads the same bytes until they are acknowledged.
    private long damageReportedSegment = -1;
    private long damageReportedEnd;

    DeliveryCursor(SegmentLog log, DurableLong ackedState, long ackedThrough, long headOffset,
                   DamageListener damage) {
        this.log = log;
        this.ackedState = ackedState;
        this.ackedThrough = ackedThrough;
        this.offset = headOffset;
        this.damage = damage;
    }

    long ackedThrough() {
        return ackedThrough;
    }

    /** The oldest pending records, in seq order, at most {@code max}. */
    List<SpoolRecord> peek(int max) throws IOException {
        marks.clear();
        List<SpoolRecord> out = new ArrayList<>(Math.min(max, 1024));
        Frame f = firstPending();
        Segment seg = log.head();
        long last = ackedThrough;
        while (f != null) {
            if (f.seq() > last) {
                out.add(new SpoolRecord(f.seq(), f.payload(), Instant.ofEpochMilli(f.appendedAtMillis())));
                marks.add(new Mark(f.seq(), seg, f.end()));
                last = f.seq();
                if (out.size() == max) {
                    break;
                }
            }
            f = read(seg, f.end());
            while (f == null && seg != null) {
                seg = nextSegment(seg);
                f = seg == null ? null : read(seg, 0);
            }
        }
        return out;
    }

    /** The segment after {@code seg}; a reader left behind is closed unless the cursor still needs it. */
    private Segment nextSegment(Segment seg) {
        if (seg != log.head()) {
            seg.closeReader();
        }
        return log.after(seg);
    }

    /** Everything up to {@code through} is delivered: consume it, persist the position, delete what is done. */
    void ack(long through) throws IOException {
        if (through <= ackedThrough) {
            return;
        }
        boolean beyondMarks = marks.isEmpty() || through > marks.get(marks.size() - 1).seq();
        consumeMarksThrough(through);
        if (beyondMarks) {
            consumeByReadingThrough(through);
        }
        marks.clear();
        ackedThrough = through;
        ackedState.write(through);
        for (Segment head = log.head(); head != null && offset >= head.bytes(); head = log.head()) {
            log.removeHead();
            offset = 0;
        }
    }

    /** When the oldest pending record was appended, or null when nothing is pending. */
    Instant oldestPending() throws IOException {
        Frame f = firstPending();
        return f == null ? null : Instant.ofEpochMilli(f.appendedAtMillis());
    }

    /** The spool dropped the head segment to make room: start over at the new head. */
    void headDropped() {
        offset = 0;
        marks.clear();
    }

    private void consumeMarksThrough(long through) throws IOException {
        Mark last = null;
        for (Mark m : marks) {
            if (m.seq() > through) {
                break;
            }
            log.consumeOne(m.segment());
            last = m;
        }
        if (last != null) {
            while (log.head() != null && log.head() != last.segment()) {
                log.removeHead();
            }
            offset = last.end();
        }
    }

    private void consumeByReadingThrough(long through) throws IOException {
        for (Frame f = firstPending(); f != null && f.seq() <= through; f = firstPending()) {
            log.consumeOne(log.head());
            offset = f.end();
        }
    }

    /**
     * Moves the cursor to the first pending record and returns it, or null when nothing is pending.
     * Segments passed on the way are consumed and deleted; reaching the end settles the pending count.
     */
    private Frame firstPending() throws IOException {
        for (Segment head = log.head(); head != null; head = log.head()) {
            Frame f = read(head, offset);
            while (f != null && f.seq() <= ackedThrough) {
                offset = f.end();
                f = read(head, offset);
            }
            if (f != null) {
                offset = f.offset();
                return f;
            }
            offset = head.bytes();
            log.settle(head);
            if (log.isActive(head)) {
                return null;
            }
            log.removeHead();
            offset = 0;
        }
        return null;
    }

    private Frame read(Segment seg, long pos) throws IOException {
        Frame f = seg.reader().next(pos, seg.bytes());
        long damagedUntil = f == null ? seg.bytes() : f.offset();
        if (damagedUntil > pos) {
            reportDamage(seg, pos, damagedUntil);
        }
        return f;
    }

    private void reportDamage(Segment seg, long from, long to) {
        boolean reported = seg.id() < damageReportedSegment
                || (seg.id() == damageReportedSegment && from < damageReportedEnd);
        if (!reported) {
            damageReportedSegment = seg.id();
            damageReportedEnd = to;
            damage.damaged(seg, from, to);
        }
    }
}
