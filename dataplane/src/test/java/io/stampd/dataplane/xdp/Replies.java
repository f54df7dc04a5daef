package io.stampd.dataplane.xdp;

import io.stampd.dataplane.testing.Frame;
import io.stampd.dataplane.codec.Srh;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.Tlv;
import io.stampd.dataplane.codec.UdpChecksum;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/**
 * The reply a reflector must send for a test frame, built independently of the program with the
 * project's codec: StampLayout.reflectInPlace for the base packet, Srh.write for the return path,
 * UdpChecksum.computeForPacket for the checksum under the final-destination rule.
 */
final class Replies {
    private Replies() {
    }

    /**
     * The reply to {@code request} (a well-formed test frame) leaving with Ethernet {@code dmac}/
     * {@code smac}, hop limit {@code hopLimit}, Error Estimate {@code ee}, along {@code path} (first
     * hop first; empty: straight back), with reflector sequence number {@code reflectorSeq} and the
     * wire timestamps t2 and t3.
     */
    static byte[] expected(Frame request, byte[] dmac, byte[] smac, int hopLimit, short ee, List<byte[]> path,
                           int reflectorSeq, long t2, long t3) {
        byte[] payload = request.payload.clone();
        MemorySegment p = MemorySegment.ofArray(payload);
        StampLayout.UNAUTHENTICATED.reflectInPlace(p, reflectorSeq, t2, ee, request.hopLimit);
        StampLayout.UNAUTHENTICATED.timestamp(p, t3);
        // Extra Padding understood: flags 0 (TlvReflector does the same).
        for (int at = 44; at + Tlv.HEADER_LENGTH <= payload.length; at = Tlv.end(p, at)) {
            Tlv.flags(p, at, 0);
        }

        int n = path.size();
        int srhLength = n == 0 ? 0 : Srh.length(n);
        int ipLength = 40 + srhLength + 8 + payload.length;
        byte[] frame = new byte[14 + ipLength];
        MemorySegment f = MemorySegment.ofArray(frame);
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.put(dmac).put(smac).putShort((short) 0x86DD);
        b.putInt(0x6000_0000 | ((request.trafficClass & 0xFC) << 20));
        b.putShort((short) (ipLength - 40)).put((byte) (n == 0 ? 17 : 43)).put((byte) hopLimit);
        b.put(request.dst).put(n == 0 ? request.src : path.get(0));
        if (n > 0) {
            // The final destination, Segment List[0], is the test packet's source.
            byte[] pathOctets = new byte[16 * n];
            for (int i = 0; i < n - 1; i++) {
                System.arraycopy(path.get(i), 0, pathOctets, 16 * i, 16);
            }
            System.arraycopy(request.src, 0, pathOctets, 16 * (n - 1), 16);
            Srh.write(f, 14 + 40, 17, MemorySegment.ofArray(pathOctets), 0, n);
            b.position(14 + 40 + srhLength);
        }
        b.putShort((short) request.dport).putShort((short) request.sport).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        MemorySegment ip = f.asSlice(14);
        int check = UdpChecksum.computeForPacket(ip, ipLength);
        frame[14 + 40 + srhLength + 6] = (byte) (check >>> 8);
        frame[14 + 40 + srhLength + 7] = (byte) check;
        return frame;
    }

    /** Offset of the STAMP payload in a reply frame with an SRH of {@code segments} (0: none). */
    static int payloadOffset(int segments) {
        return 14 + 40 + (segments == 0 ? 0 : Srh.length(segments)) + 8;
    }

    static long u64(byte[] frame, int at) {
        return ByteBuffer.wrap(frame).getLong(at);
    }

    /** A side-by-side hex view of two frames, 16 octets a row, marking the rows that differ. */
    static String diff(byte[] expected, byte[] actual) {
        StringBuilder sb = new StringBuilder("expected " + expected.length + " octets, got " + actual.length + "\n");
        HexFormat hex = HexFormat.ofDelimiter(" ");
        for (int at = 0; at < Math.max(expected.length, actual.length); at += 16) {
            String e = at < expected.length ? hex.formatHex(expected, at, Math.min(at + 16, expected.length)) : "";
            String a = at < actual.length ? hex.formatHex(actual, at, Math.min(at + 16, actual.length)) : "";
            sb.append(String.format("%4d %s %-47s | %s%n", at, e.equals(a) ? " " : "*", e, a));
        }
        return sb.toString();
    }
}
