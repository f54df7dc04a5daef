package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Direct Measurement TLV (RFC 8972 §4.5, type 5, value 12 octets): {@code S_TxC(4) R_RxC(4)
 * R_TxC(4)}, the Session-Sender's transmit counter and the Session-Reflector's receive and
 * transmit counters for this session, for direct loss measurement.
 */
public final class DirectMeasurementTlv {
    public static final int TYPE = Tlv.TYPE_DIRECT_MEASUREMENT;
    public static final int VALUE_LENGTH = 12;
    public static final int SENDER_TX = Tlv.HEADER_LENGTH;
    public static final int REFLECTOR_RX = Tlv.HEADER_LENGTH + 4;
    public static final int REFLECTOR_TX = Tlv.HEADER_LENGTH + 8;

    private DirectMeasurementTlv() {
    }

    public static long senderTxCounter(MemorySegment p, int tlv) {
        return Integer.toUnsignedLong(p.get(StampLayout.U32, tlv + SENDER_TX));
    }

    public static long reflectorRxCounter(MemorySegment p, int tlv) {
        return Integer.toUnsignedLong(p.get(StampLayout.U32, tlv + REFLECTOR_RX));
    }

    public static long reflectorTxCounter(MemorySegment p, int tlv) {
        return Integer.toUnsignedLong(p.get(StampLayout.U32, tlv + REFLECTOR_TX));
    }
}
