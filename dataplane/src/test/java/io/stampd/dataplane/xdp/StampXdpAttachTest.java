package io.stampd.dataplane.xdp;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.Xdp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier accepts both programs (they are loaded at all), and the kernel attaches them to a
 * veth in native and in generic mode; also the reflector with the collector chained behind it.
 * Prints the verifier's instruction counts, the programs' complexity. The veth has the default
 * MTU: veth refuses native XDP without multi-buffer support above about 3.5 KB (ERANGE).
 */
class StampXdpAttachTest {
    static XdpBed bed;
    static int x0;

    @BeforeAll
    static void setUp() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        bed.ns.ip("link", "add", "x0", "type", "veth", "peer", "name", "y0");
        bed.ns.ip("link", "set", "x0", "up");
        bed.ns.ip("link", "set", "y0", "up");
        x0 = bed.ns.call(() -> io.stampd.sys.bpf.NetInterfaces.indexOf("x0"));
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    private static void attachDetach(String program, int fd, Xdp.Mode mode) {
        bed.ns.call(() -> {
            Xdp.attach(x0, fd, mode);
            try {
                int id = Xdp.attachedProgramId(x0, mode);
                assertTrue(id > 0, program + " attached in " + mode + " mode");
                BpfProgramInfo info = BpfProgramInfo.ofId(id);
                assertTrue(info.isNamed(program), "attached program is " + info.name());
                assertTrue(info.verifiedInstructions() > 0 && info.verifiedInstructions() < 1_000_000);
                System.out.printf("%s: %s mode, verifier processed %d instructions, maps %s%n", program, mode,
                        info.verifiedInstructions(), info.mapNames());
            } finally {
                Xdp.detach(x0, mode);
            }
            assertEquals(0, Xdp.attachedProgramId(x0, mode), program + " detached");
            return null;
        });
    }

    @Test
    void bothProgramsAttachNativeAndGeneric() {
        int reflector = bed.reflector().programFd("stamp_reflector");
        int collector = bed.collector().programFd("stamp_collector");
        for (Xdp.Mode mode : new Xdp.Mode[] {Xdp.Mode.NATIVE, Xdp.Mode.GENERIC}) {
            attachDetach("stamp_reflector", reflector, mode);
            attachDetach("stamp_collector", collector, mode);
        }
        // The node that reflects and measures: the collector chained behind the reflector.
        bed.reflector().map("refl_next").update(BpfMap.indexKey(0), ReflectorMaps.intBytes(collector));
        attachDetach("stamp_reflector", reflector, Xdp.Mode.NATIVE);
    }
}
