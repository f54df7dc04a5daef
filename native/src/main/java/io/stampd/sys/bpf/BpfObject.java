package io.stampd.sys.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A BPF ELF object (clang -target bpf output) opened and loaded by libbpf.
 *
 * <pre>{@code
 * try (BpfObject obj = BpfObject.openResource("/io/stampd/ebpf/delay_line.bpf.o").load()) {
 *     int progFd = obj.programFd("delay_line");
 *     BpfMap cfg = obj.map("delay_line_cfg");
 *     ...
 * }
 * }</pre>
 *
 * Closing the object closes its program and map descriptors; whatever the kernel still
 * references (an attached XDP program and the maps it uses) stays alive.
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    /** Holds the ELF image (libbpf parses it in place until load) and the open options. */
    private final Arena arena;
    private final MemorySegment object;
    private boolean loaded;
    private boolean closed;

    private BpfObject(String name, Arena arena, MemorySegment object) {
        this.name = name;
        this.arena = arena;
        this.object = object;
    }

    /**
     * Opens an object file shipped as a class path resource, e.g. {@code /io/stampd/ebpf/delay_line.bpf.o}.
     * The object is named after the file, without {@code .bpf.o}.
     */
    public static BpfObject openResource(String resourcePath) {
        byte[] image;
        try (InputStream in = BpfObject.class.getResourceAsStream(resourcePath)) {
            if (in == null) {
                throw new BpfException("BPF object " + resourcePath + " is not on the class path"
                        + " (the stampd-ebpf jar carries it once built with clang and libbpf-dev)");
            }
            image = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + resourcePath, e);
        }
        String file = resourcePath.substring(resourcePath.lastIndexOf('/') + 1);
        return open(file.endsWith(".bpf.o") ? file.substring(0, file.length() - ".bpf.o".length()) : file, image);
    }

    /** Opens an ELF image held in memory (bpf_object__open_mem); nothing reaches the kernel yet. */
    public static BpfObject open(String name, byte[] elfImage) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("BPF object name must not be blank");
        }
        if (elfImage.length == 0) {
            throw new IllegalArgumentException("BPF object " + name + " is empty");
        }
        LibBpf lib = LibBpf.get();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment image = arena.allocateFrom(JAVA_BYTE, elfImage);
            MemorySegment opts = arena.allocate(LibBpfStructs.BPF_OBJECT_OPEN_OPTS);
            opts.set(JAVA_LONG, LibBpf.OPEN_OPTS_SZ, LibBpf.OPEN_OPTS_SIZE);
            opts.set(ADDRESS, LibBpf.OPEN_OPTS_OBJECT_NAME, arena.allocateFrom(name));
            return new BpfObject(name, arena, lib.objectOpenMem(image, opts, name));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** Creates the maps and verifies and loads the programs (bpf_object__load). */
    public BpfObject load() {
        checkOpen();
        if (loaded) {
            throw new IllegalStateException("BPF object " + name + " is already loaded");
        }
        int rc = LibBpf.get().objectLoad(object);
        if (rc < 0) {
            throw new BpfException("bpf_object__load", "object " + name, rc,
                    "libbpf printed the verifier log, if any, to stderr");
        }
        loaded = true;
        return this;
    }

    /** The descriptor of program {@code programName}; it belongs to this object. */
    public int programFd(String programName) {
        checkLoaded();
        LibBpf lib = LibBpf.get();
        MemorySegment program = lib.findProgramByName(object, programName).orElseThrow(
                () -> new IllegalArgumentException("BPF object " + name + " has no program named '"
                        + programName + "'"));
        int fd = lib.programFd(program);
        if (fd < 0) {
            throw new BpfException("bpf_program__fd", "program " + programName + " of object " + name, fd);
        }
        return fd;
    }

    /** Map {@code mapName} as named in the source; its descriptor belongs to this object. */
    public BpfMap map(String mapName) {
        checkLoaded();
        LibBpf lib = LibBpf.get();
        MemorySegment map = lib.findMapByName(object, mapName).orElseThrow(
                () -> new IllegalArgumentException("BPF object " + name + " has no map named '" + mapName + "'"));
        String subject = "map " + mapName + " of object " + name;
        int fd = lib.mapFd(map);
        if (fd < 0) {
            throw new BpfException("bpf_map__fd", subject, fd);
        }
        return BpfMap.ofFd(fd, this, subject);
    }

    public boolean isLoaded() {
        return loaded && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the libbpf object (its descriptors) and frees the image. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibBpf.get().objectClose(object);
        } finally {
            arena.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
    }

    private void checkLoaded() {
        checkOpen();
        if (!loaded) {
            throw new IllegalStateException("BPF object " + name + " is not loaded yet; call load()");
        }
    }
}
