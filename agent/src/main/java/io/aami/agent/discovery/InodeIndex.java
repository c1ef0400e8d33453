package io.aami.agent.discovery;

import java.util.Arrays;

/**
 * Socket inode to socket index (in the scan's {@link SocketTable}): open addressing over two primitive
 * arrays, cleared and refilled each scan without allocating, so looking up every descriptor of every
 * process costs no boxing.
 */
final class InodeIndex {
    private static final long EMPTY = 0; // inode 0 is a socket no process holds (TIME_WAIT): never a key

    private long[] keys = new long[1024];
    private int[] values = new int[1024];
    private int size;

    void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    void put(long inode, int index) {
        if (inode == EMPTY) {
            return;
        }
        if ((size + 1) * 2 > keys.length) {
            rehash(keys.length * 2);
        }
        int mask = keys.length - 1;
        for (int slot = mix(inode) & mask; ; slot = (slot + 1) & mask) {
            if (keys[slot] == EMPTY) {
                keys[slot] = inode;
                values[slot] = index;
                size++;
                return;
            }
            if (keys[slot] == inode) {
                values[slot] = index;
                return;
            }
        }
    }

    /** The index stored for {@code inode}, or -1. */
    int get(long inode) {
        if (inode == EMPTY) {
            return -1;
        }
        int mask = keys.length - 1;
        for (int slot = mix(inode) & mask; ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == inode) {
                return values[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[capacity];
        values = new int[capacity];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
