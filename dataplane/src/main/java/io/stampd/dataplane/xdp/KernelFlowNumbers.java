package io.stampd.dataplane.xdp;

import io.stampd.dataplane.core.FlowNumbers;
import io.stampd.sys.bpf.BpfTestRun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The stateful numbers of one reflector session while the XDP reflector numbers its flows too:
 * the socket path beneath takes them from the same kernel map, through the syscall program
 * {@code stamp_flow_take} (one BPF_PROG_RUN per number), so that no number is given twice,
 * whichever path answers which packet. Used on the I/O thread only (the packets the XDP program
 * passes up: rare).
 */
final class KernelFlowNumbers implements FlowNumbers {
    private final int programFd;
    private final int slot;
    private final MemorySegment args = Arena.ofAuto().allocate(XdpStructs.STAMP_FLOW_TAKE_ARGS);
    private final byte[] address = new byte[16];

    KernelFlowNumbers(int programFd, int slot) {
        this.programFd = programFd;
        this.slot = slot;
    }

    @Override
    public long take(MemorySegment sourceAddress, int sourcePort, int ssid) {
        run(sourceAddress, sourcePort, ssid, 1, 0);
        return XdpStructs.flowTakeSeq(args);
    }

    @Override
    public void untake(MemorySegment sourceAddress, int sourcePort, int ssid, long number) {
        run(sourceAddress, sourcePort, ssid, -1, number);
    }

    private void run(MemorySegment sourceAddress, int sourcePort, int ssid, int delta, long seq) {
        MemorySegment.copy(sourceAddress, ValueLayout.JAVA_BYTE, 0, address, 0, 16);
        XdpStructs.flowTakeArgs(args, slot, sourcePort, ssid, address, delta, seq);
        int rc = BpfTestRun.runSyscall(programFd, args);
        if (rc == XdpStructs.STAMP_FLOW_ERROR) {
            throw new IllegalStateException("stamp_flow_take failed for reflector slot " + slot
                    + " (the flow table could not take the flow)");
        }
    }
}
