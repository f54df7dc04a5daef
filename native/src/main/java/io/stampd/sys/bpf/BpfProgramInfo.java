package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the kernel says about a loaded program: its name, type and the maps it uses. This lets a
 * later process reach the maps of an already attached program (found with
 * {@link Xdp#attachedProgramId(int)}) without pinning anything in bpffs.
 */
public final class BpfProgramInfo {
    private final int id;
    private final String name;
    private final int type;
    private final List<Integer> mapIds;
    private final List<String> mapNames;
    private final int verifiedInstructions;
    private final long runTimeNanos;
    private final long runCount;

    private BpfProgramInfo(int id, String name, int type, List<Integer> mapIds, List<String> mapNames,
                           int verifiedInstructions, long runTimeNanos, long runCount) {
        this.verifiedInstructions = verifiedInstructions;
        this.runTimeNanos = runTimeNanos;
        this.runCount = runCount;
        this.id = id;
        this.name = name;
        this.type = type;
        this.mapIds = List.copyOf(mapIds);
        this.mapNames = List.copyOf(mapNames);
    }

    /** Reads the information of program {@code programId} and the names of its maps. */
    public static BpfProgramInfo ofId(int programId) {
        if (programId <= 0) {
            throw new IllegalArgumentException("BPF program id must be positive, got " + programId);
        }
        LibBpf lib = LibBpf.get();
        String subject = "program id " + programId;
        int progFd = lib.progGetFdById(programId);
        if (progFd < 0) {
            throw new BpfException("bpf_prog_get_fd_by_id", subject, progFd);
        }
        try (Arena arena = Arena.ofConfined()) {
            // First call learns the number of maps, the second fetches their ids.
            MemorySegment info = arena.allocate(LibBpfStructs.BPF_PROG_INFO);
            getInfo(lib, progFd, info, subject);
            int mapCount = info.get(JAVA_INT, LibBpf.PROG_INFO_NR_MAP_IDS);
            List<Integer> ids = new ArrayList<>();
            if (mapCount > 0) {
                MemorySegment idArray = arena.allocate(JAVA_INT, mapCount);
                info.fill((byte) 0);
                info.set(JAVA_INT, LibBpf.PROG_INFO_NR_MAP_IDS, mapCount);
                info.set(ADDRESS, LibBpf.PROG_INFO_MAP_IDS, idArray);
                getInfo(lib, progFd, info, subject);
                // The program cannot gain maps after load, but never read past what we allocated.
                int filled = Math.min(mapCount, info.get(JAVA_INT, LibBpf.PROG_INFO_NR_MAP_IDS));
                for (int i = 0; i < filled; i++) {
                    ids.add(idArray.getAtIndex(JAVA_INT, i));
                }
            }
            List<String> names = new ArrayList<>();
            for (int mapId : ids) {
                try (BpfMap map = openMapById(lib, mapId)) {
                    names.add(map.name());
                }
            }
            return new BpfProgramInfo(info.get(JAVA_INT, LibBpf.PROG_INFO_ID),
                    LibBpf.fixedString(info, LibBpf.PROG_INFO_NAME, LibBpf.OBJ_NAME_LEN),
                    info.get(JAVA_INT, LibBpf.PROG_INFO_TYPE), ids, names,
                    info.get(JAVA_INT, LibBpf.PROG_INFO_VERIFIED_INSNS),
                    info.get(JAVA_LONG, LibBpf.PROG_INFO_RUN_TIME_NS), info.get(JAVA_LONG, LibBpf.PROG_INFO_RUN_CNT));
        } finally {
            Libc.close(progFd);
        }
    }

    private static void getInfo(LibBpf lib, int progFd, MemorySegment info, String subject) {
        int rc = lib.objGetInfoByFd(progFd, info);
        if (rc < 0) {
            throw new BpfException("bpf_obj_get_info_by_fd", subject, rc);
        }
    }

    private static BpfMap openMapById(LibBpf lib, int mapId) {
        int fd = lib.mapGetFdById(mapId);
        if (fd < 0) {
            throw new BpfException("bpf_map_get_fd_by_id", "map id " + mapId, fd);
        }
        return BpfMap.ofFd(fd, null, "map id " + mapId);
    }

    public int id() {
        return id;
    }

    /**
     * Nanoseconds the program has run in all, counted only while run-time statistics are on
     * ({@link BpfRunTimeStats}, or sysctl kernel.bpf_stats_enabled); tail-called programs count
     * in the caller's time.
     */
    public long runTimeNanos() {
        return runTimeNanos;
    }

    /** Runs counted while run-time statistics were on. */
    public long runCount() {
        return runCount;
    }

    /** The kernel's name of the program (at most 15 characters). */
    public String name() {
        return name;
    }

    /** The BPF_PROG_TYPE_* number (6 for XDP). */
    public int type() {
        return type;
    }

    /**
     * Instructions the verifier processed to accept the program (its complexity; the limit is one
     * million), 0 on kernels before 5.16.
     */
    public int verifiedInstructions() {
        return verifiedInstructions;
    }

    public List<Integer> mapIds() {
        return mapIds;
    }

    /** Kernel names of the maps, in the order of {@link #mapIds()}. */
    public List<String> mapNames() {
        return mapNames;
    }

    /** Whether the program is called {@code sourceName} (compared as the kernel truncates names). */
    public boolean isNamed(String sourceName) {
        return name.equals(LibBpf.kernelName(sourceName));
    }

    /** Id of the map called {@code sourceName} in the program's source, if the program uses one. */
    public Optional<Integer> mapId(String sourceName) {
        int index = mapNames.indexOf(LibBpf.kernelName(sourceName));
        return index < 0 ? Optional.empty() : Optional.of(mapIds.get(index));
    }

    /**
     * Opens map {@code sourceName} of this program; the caller closes it. Names longer than 15
     * characters match the kernel's truncated name.
     */
    public BpfMap openMap(String sourceName) {
        int mapId = mapId(sourceName).orElseThrow(() -> new IllegalArgumentException(
                "BPF program " + name + " (id " + id + ") uses no map named '" + sourceName
                        + "' (its maps: " + String.join(", ", mapNames) + ")"));
        return openMapById(LibBpf.get(), mapId);
    }

    @Override
    public String toString() {
        return "program " + name + " (id " + id + ", maps " + mapNames + ")";
    }
}
