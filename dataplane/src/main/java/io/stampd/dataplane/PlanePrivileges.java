package io.stampd.dataplane;

import io.stampd.sys.Capabilities;
import io.stampd.sys.Capabilities.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The capabilities a data plane needs, checked before it touches the kernel, so that an agent
 * running as an unprivileged user refuses a commit with the missing capability's name instead of
 * a bare "Operation not permitted", or, for the xdp plane, instead of a program it could attach
 * but never detach. README, "Install as a service": the table these follow.
 */
public final class PlanePrivileges {
    private PlanePrivileges() {
    }

    /** af-packet: its packet socket, its tc program and attaching that program. */
    public static void requireAfPacket() {
        Map<Capability, String> needed = new LinkedHashMap<>();
        needed.put(Capability.NET_RAW, "its AF_PACKET socket");
        needed.put(Capability.NET_ADMIN, "attaching its tc program");
        // CAP_SYS_ADMIN includes what CAP_BPF allows (the kernel's bpf_capable())
        needed.put(Capability.BPF, "loading its tc program");
        require("af-packet", needed, Capabilities.current());
    }

    /**
     * xdp: attaching its program, and looking the program up by id (bpf_prog_get_fd_by_id, which
     * only CAP_SYS_ADMIN allows) to detach or replace it; CAP_SYS_ADMIN also includes what CAP_BPF
     * and CAP_PERFMON allow for loading the programs.
     */
    public static void requireXdp() {
        Map<Capability, String> needed = new LinkedHashMap<>();
        needed.put(Capability.NET_ADMIN, "attaching its program");
        needed.put(Capability.SYS_ADMIN, "detaching or replacing its program, which the kernel looks up by id only"
                + " for CAP_SYS_ADMIN: without it the program would stay on the interface");
        require("xdp", needed, Capabilities.current());
    }

    static void require(String plane, Map<Capability, String> needed, Capabilities caps) {
        List<Capability> missing = caps.missing(needed.keySet().toArray(Capability[]::new));
        if (missing.contains(Capability.BPF) && caps.has(Capability.SYS_ADMIN)) {
            missing.remove(Capability.BPF);
        }
        if (missing.isEmpty()) {
            return;
        }
        throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, "the " + plane + " data plane "
                + caps.needs(missing) + ": " + missing.stream().map(c -> c + " for " + needed.get(c))
                .collect(Collectors.joining("; ")),
                DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_TYPE));
    }
}
