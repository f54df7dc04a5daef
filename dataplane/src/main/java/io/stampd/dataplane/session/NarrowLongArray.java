package io.stampd.dataplane.session;

import java.util.Arrays;

/**
 * An array of longs kept in the narrowest of byte[], int[] or long[] that holds every value set
 * so far: a column of values that are usually small (a delay, a TTL) costs 1 or 4 bytes per entry
 * instead of 8, and any value still fits, bit for bit (a one-way delay between unsynchronised
 * clocks can be of any size). Widening allocates the wider array and copies: at most twice in the
 * array's life, since it never narrows again.
 */
final class NarrowLongArray {
    private byte[] bytes;
    private int[] ints;
    private long[] longs;

    NarrowLongArray(int length) {
        bytes = new byte[length];
    }

    int length() {
        return bytes != null ? bytes.length : ints != null ? ints.length : longs.length;
    }

    /** Bytes per entry now: 1, 4 or 8. */
    int width() {
        return bytes != null ? Byte.BYTES : ints != null ? Integer.BYTES : Long.BYTES;
    }

    long get(int i) {
        if (bytes != null) {
            return bytes[i];
        }
        return ints != null ? ints[i] : longs[i];
    }

    void set(int i, long value) {
        if (bytes != null) {
            if (value == (byte) value) {
                bytes[i] = (byte) value;
                return;
            }
            widenFor(value);
        }
        if (ints != null) {
            if (value == (int) value) {
                ints[i] = (int) value;
                return;
            }
            widenFor(value);
        }
        longs[i] = value;
    }

    /** Keeps the first {@code min(length, newLength)} entries, at the current width. */
    void resize(int newLength) {
        if (bytes != null) {
            bytes = Arrays.copyOf(bytes, newLength);
        } else if (ints != null) {
            ints = Arrays.copyOf(ints, newLength);
        } else {
            longs = Arrays.copyOf(longs, newLength);
        }
    }

    private void widenFor(long value) {
        int n = length();
        if (value == (int) value) {
            int[] wider = new int[n];
            for (int k = 0; k < n; k++) {
                wider[k] = bytes[k];
            }
            ints = wider;
        } else {
            long[] wider = new long[n];
            for (int k = 0; k < n; k++) {
                wider[k] = get(k);
            }
            longs = wider;
            ints = null;
        }
        bytes = null;
    }
}
