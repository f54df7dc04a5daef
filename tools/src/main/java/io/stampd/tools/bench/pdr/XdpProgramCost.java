package io.stampd.tools.bench.pdr;

import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.BpfRunTimeStats;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Xdp;

/**
 * What the XDP program on the router's ingress interface costs per frame, from the kernel's own
 * run-time statistics over one extra trial: stampd's programs and the yardsticks measured alike,
 * whether or not the generator bounds their PDR. The statistics are on only during that trial
 * (they add two clock readings to every program run), never during the PDR search.
 */
final class XdpProgramCost {
    private final RouterTopology topo;

    XdpProgramCost(RouterTopology topo) {
        this.topo = topo;
    }

    /** Nanoseconds per run of the attached program in a trial at {@code ratePps}; NaN without a program or runs. */
    double nanosPerFrame(TrialRunner trials, long ratePps) {
        int id = attachedProgramId();
        if (id == 0 || ratePps <= 0) {
            return Double.NaN;
        }
        try (BpfRunTimeStats on = BpfRunTimeStats.enable()) {
            BpfProgramInfo before = BpfProgramInfo.ofId(id);
            trials.run(ratePps);
            BpfProgramInfo after = BpfProgramInfo.ofId(id);
            long runs = after.runCount() - before.runCount();
            return runs <= 0 ? Double.NaN : (double) (after.runTimeNanos() - before.runTimeNanos()) / runs;
        }
    }

    private int attachedProgramId() {
        try {
            return NetNamespace.callIn(topo.routerNs(),
                    () -> Xdp.attachedProgramId(NetInterfaces.indexOf(topo.routerInDev())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot query the XDP program of " + topo.routerInDev() + " in "
                    + topo.routerNs() + ": " + e.getMessage(), e);
        }
    }
}
