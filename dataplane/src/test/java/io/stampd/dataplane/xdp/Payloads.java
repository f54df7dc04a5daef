package io.stampd.dataplane.xdp;

import java.nio.ByteBuffer;

/** STAMP payloads (unauthenticated base packet and TLVs) for the test frames, built octet by octet. */
final class Payloads {
    private Payloads() {
    }

    /**
     * A Session-Sender base packet: Sequence Number, T1, Error Estimate, SSID, and the 28 MBZ octets
     * filled with {@code mbz} (a reflector must ignore them and send zero), then {@code tlvs}.
     */
    static byte[] sender(int seq, long t1, short ee, int ssid, int mbz, byte[]... tlvs) {
        int length = 44;
        for (byte[] t : tlvs) {
            length += t.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(seq).putLong(t1).putShort(ee).putShort((short) ssid);
        for (int i = 16; i < 44; i++) {
            b.put((byte) mbz);
        }
        for (byte[] t : tlvs) {
            b.put(t);
        }
        return b.array();
    }

    /** A Session-Reflector base packet (the reply's payload), MBZ zero, then {@code tlvs}. */
    static byte[] reflector(int seq, long t3, short ee, int ssid, long t2, int senderSeq, long t1, short senderEe,
                            int senderTtl, byte[]... tlvs) {
        int length = 44;
        for (byte[] t : tlvs) {
            length += t.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(seq).putLong(t3).putShort(ee).putShort((short) ssid).putLong(t2).putInt(senderSeq).putLong(t1)
                .putShort(senderEe).putShort((short) 0).put((byte) senderTtl).put(new byte[3]);
        for (byte[] t : tlvs) {
            b.put(t);
        }
        return b.array();
    }

    /** A TLV: Flags, Type, Length, and a value of {@code valueLength} octets counting up from {@code fill}. */
    static byte[] tlv(int flags, int type, int valueLength, int fill) {
        ByteBuffer b = ByteBuffer.allocate(4 + valueLength);
        b.put((byte) flags).put((byte) type).putShort((short) valueLength);
        for (int i = 0; i < valueLength; i++) {
            b.put((byte) (fill + i));
        }
        return b.array();
    }

    /** Extra Padding as a sender sends it: U set, pattern-filled value. */
    static byte[] padding(int valueLength) {
        return tlv(0x80, 1, valueLength, 0xA0);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
