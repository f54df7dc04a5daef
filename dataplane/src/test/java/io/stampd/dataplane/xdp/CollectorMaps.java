package io.stampd.dataplane.xdp;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfRingBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Fills and reads the collector program's maps the way the XDP plane will, through XdpStructs. */
final class CollectorMaps implements AutoCloseable {
    /** One record from coll_records, all fields in host order as user space reads them. */
    record Record(int sessionId, long senderSeq, long reflectorSeq, short errorEstimate, int senderTtl, int hopLimit,
                  long t1, long t2, long t3, long t4, int length, int flags) {
        static Record read(MemorySegment r) {
            return new Record(XdpStructs.recordSessionId(r), XdpStructs.recordSenderSeq(r),
                    XdpStructs.recordReflectorSeq(r), XdpStructs.recordErrorEstimate(r), XdpStructs.recordSenderTtl(r),
                    XdpStructs.recordHopLimit(r), XdpStructs.recordT1(r), XdpStructs.recordT2(r), XdpStructs.recordT3(r),
                    XdpStructs.recordT4(r), XdpStructs.recordLength(r), XdpStructs.recordFlags(r));
        }
    }

    final BpfMap sessions;
    final BpfMap ports;
    final BpfMap stats;
    final BpfRingBuffer records;

    CollectorMaps(BpfObject collector) {
        sessions = collector.map("coll_sessions");
        ports = collector.map("coll_ports");
        stats = collector.map("coll_stats");
        records = BpfRingBuffer.open(collector.map("coll_records"));
    }

    /** Provisions sender session {@code sessionId}: replies from reflector:reflectorPort to local senderPort with ssid. */
    void add(byte[] reflector, int reflectorPort, int senderPort, int ssid, int sessionId, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(XdpStructs.STAMP_SENDER_KEY);
            XdpStructs.senderKey(key, reflector, reflectorPort, senderPort, ssid);
            MemorySegment value = arena.allocate(XdpStructs.STAMP_SENDER_SESSION);
            XdpStructs.senderSession(value, sessionId, flags);
            sessions.update(key, value);
        }
        ports.update(BpfMap.indexKey(senderPort), ReflectorMaps.intBytes(1));
    }

    /** Takes every record now in the ring. */
    List<Record> drain() {
        List<Record> out = new ArrayList<>();
        // Bounded: the ring holds at most 4 MiB / 64 records.
        for (int round = 0; round < 4; round++) {
            if (records.poll(r -> {
                if (r.byteSize() != XdpStructs.STAMP_RECORD.byteSize()) {
                    throw new AssertionError("a record of " + r.byteSize() + " octets, not "
                            + XdpStructs.STAMP_RECORD.byteSize());
                }
                out.add(Record.read(r));
            }, 100_000) == 0) {
                break;
            }
        }
        return out;
    }

    long[] stats() {
        return XdpBed.stats(stats);
    }

    @Override
    public void close() {
        records.close();
    }
}
