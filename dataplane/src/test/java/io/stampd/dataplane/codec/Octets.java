package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/** Test helper: octets written as hex text ("01 02 ff", spaces and '|' ignored) and hex dumps. */
final class Octets {
    private Octets() {
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", "").replace("|", "").replace("\n", ""));
    }

    /** Copies the octets of {@code text} into {@code dst} at {@code at}. */
    static void put(byte[] dst, int at, String text) {
        byte[] b = hex(text);
        System.arraycopy(b, 0, dst, at, b.length);
    }

    static String dump(MemorySegment p, long at, long length) {
        byte[] b = new byte[(int) length];
        MemorySegment.copy(p, ValueLayout.JAVA_BYTE, at, b, 0, b.length);
        return dump(b);
    }

    static String dump(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            sb.append(i % 16 == 0 && i > 0 ? "\n" : i > 0 ? " " : "").append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    static byte[] toArray(MemorySegment p, long at, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(p, ValueLayout.JAVA_BYTE, at, b, 0, length);
        return b;
    }

    /** A heap segment of {@code size} octets filled with {@code fill}. */
    static MemorySegment filled(int size, int fill) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) fill);
        return MemorySegment.ofArray(b);
    }
}
