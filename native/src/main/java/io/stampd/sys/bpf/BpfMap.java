package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A BPF map, addressed by file descriptor. Its type, key and value sizes come from the kernel,
 * so updates and look-ups are checked against them before the call.
 *
 * <p>A map taken from a {@link BpfObject} borrows the object's descriptor (close() does nothing);
 * a map opened by id through {@link BpfProgramInfo#openMap(String)} owns its descriptor and must
 * be closed.
 */
public final class BpfMap implements AutoCloseable {
    private final int fd;
    /** The object whose descriptor this borrows; null when this map owns {@link #fd}. */
    private final BpfObject owner;
    private final int id;
    private final String name;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private boolean closed;

    private BpfMap(int fd, BpfObject owner, MemorySegment info) {
        this.fd = fd;
        this.owner = owner;
        this.id = info.get(JAVA_INT, LibBpf.MAP_INFO_ID);
        this.name = LibBpf.fixedString(info, LibBpf.MAP_INFO_NAME, LibBpf.OBJ_NAME_LEN);
        this.type = info.get(JAVA_INT, LibBpf.MAP_INFO_TYPE);
        this.keySize = info.get(JAVA_INT, LibBpf.MAP_INFO_KEY_SIZE);
        this.valueSize = info.get(JAVA_INT, LibBpf.MAP_INFO_VALUE_SIZE);
        this.maxEntries = info.get(JAVA_INT, LibBpf.MAP_INFO_MAX_ENTRIES);
    }

    /**
     * Describes the map behind {@code fd}. With an {@code owner} the descriptor is borrowed from
     * it; without one this map owns it (and closes it here if describing fails).
     */
    static BpfMap ofFd(int fd, BpfObject owner, String subject) {
        LibBpf lib = LibBpf.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LibBpfStructs.BPF_MAP_INFO);
            int rc = lib.objGetInfoByFd(fd, info);
            if (rc < 0) {
                throw new BpfException("bpf_obj_get_info_by_fd", subject, rc);
            }
            return new BpfMap(fd, owner, info);
        } catch (RuntimeException e) {
            if (owner == null) {
                Libc.close(fd);
            }
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    public int id() {
        return id;
    }

    /** The kernel's name of the map: at most 15 characters of the name in the source. */
    public String name() {
        return name;
    }

    /** The BPF_MAP_TYPE_* number. */
    public int type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    /** The size of one value; per-CPU maps hold one such value per possible CPU. */
    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isPerCpu() {
        return LibBpf.isPerCpuMapType(type);
    }

    /** The key of entry {@code index} of an array map: a native-order __u32. */
    public static byte[] indexKey(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("array map index must not be negative, got " + index);
        }
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(index).array();
    }

    /** Creates or replaces the value of {@code key} (BPF_ANY). Not for per-CPU maps. */
    public void update(byte[] key, byte[] value) {
        requireSingleValue("update");
        checkLength("key", key.length, keySize);
        checkLength("value", value.length, valueSize);
        try (Arena arena = Arena.ofConfined()) {
            update(arena.allocateFrom(JAVA_BYTE, key), arena.allocateFrom(JAVA_BYTE, value));
        }
    }

    /**
     * Creates or replaces the value of {@code key} (BPF_ANY) from native segments. For a per-CPU
     * map the value segment holds {@link #perCpuStride()} bytes for each possible CPU.
     */
    public void update(MemorySegment key, MemorySegment value) {
        checkOpen();
        checkSegment("key", key, keySize);
        checkSegment("value", value, isPerCpu() ? perCpuStride() * (long) possibleCpus() : valueSize);
        int rc = LibBpf.get().mapUpdateElem(fd, key, value, LibBpf.BPF_ANY);
        if (rc < 0) {
            throw new BpfException("bpf_map_update_elem", describe(), rc);
        }
    }

    /** The value of {@code key}, empty when the map has no such key. Not for per-CPU maps. */
    public Optional<byte[]> lookup(byte[] key) {
        requireSingleValue("lookup");
        checkLength("key", key.length, keySize);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueSize, 8);
            return lookup(arena.allocateFrom(JAVA_BYTE, key), value)
                    ? Optional.of(value.toArray(JAVA_BYTE)) : Optional.empty();
        }
    }

    /**
     * Reads the value of {@code key} into {@code value} (native segments); false when the key is
     * absent. For a per-CPU map {@code value} must hold {@link #perCpuStride()} bytes per possible CPU.
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkOpen();
        checkSegment("key", key, keySize);
        checkSegment("value", value, isPerCpu() ? perCpuStride() * (long) possibleCpus() : valueSize);
        int rc = LibBpf.get().mapLookupElem(fd, key, value);
        if (rc == -Libc.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_lookup_elem", describe(), rc);
        }
        return true;
    }

    /** Deletes {@code key}; false when the map has no such key. Not for array maps (the kernel refuses). */
    public boolean delete(byte[] key) {
        checkLength("key", key.length, keySize);
        try (Arena arena = Arena.ofConfined()) {
            return delete(arena.allocateFrom(JAVA_BYTE, key));
        }
    }

    /** Deletes the key in the native segment {@code key}; false when the map has no such key. */
    public boolean delete(MemorySegment key) {
        checkOpen();
        checkSegment("key", key, keySize);
        int rc = LibBpf.get().mapDeleteElem(fd, key);
        if (rc == -Libc.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_delete_elem", describe(), rc);
        }
        return true;
    }

    /**
     * The key after {@code key} in the map's iteration order, or its first key when {@code key} is
     * null; empty after the last. A key deleted meanwhile restarts the walk at the first key
     * (the kernel's rule for hash maps), so a caller deleting while it walks should collect first.
     */
    public Optional<byte[]> nextKey(byte[] key) {
        if (key != null) {
            checkLength("key", key.length, keySize);
        }
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment current = key == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_BYTE, key);
            MemorySegment next = arena.allocate(keySize, 8);
            int rc = LibBpf.get().mapGetNextKey(fd, current, next);
            if (rc == -Libc.ENOENT) {
                return Optional.empty();
            }
            if (rc < 0) {
                throw new BpfException("bpf_map_get_next_key", describe(), rc);
            }
            return Optional.of(next.toArray(JAVA_BYTE));
        }
    }

    /** Every key of the map, in its iteration order (a snapshot; the map may change meanwhile). */
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        Optional<byte[]> next = nextKey(null);
        // A hash map holds at most maxEntries keys; the bound keeps a map changing under us from looping forever.
        for (int i = 0; next.isPresent() && i <= maxEntries; i++) {
            keys.add(next.get());
            next = nextKey(next.get());
        }
        return keys;
    }

    /** The value of {@code key} on each possible CPU of a per-CPU map; empty when the key is absent. */
    public Optional<byte[][]> lookupPerCpu(byte[] key) {
        if (!isPerCpu()) {
            throw new IllegalStateException("map " + name + " is not a per-CPU map; use lookup()");
        }
        checkLength("key", key.length, keySize);
        int cpus = possibleCpus();
        int stride = perCpuStride();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment values = arena.allocate((long) stride * cpus, 8);
            if (!lookup(arena.allocateFrom(JAVA_BYTE, key), values)) {
                return Optional.empty();
            }
            byte[][] perCpu = new byte[cpus][];
            for (int cpu = 0; cpu < cpus; cpu++) {
                perCpu[cpu] = values.asSlice((long) cpu * stride, valueSize).toArray(JAVA_BYTE);
            }
            return Optional.of(perCpu);
        }
    }

    /** Bytes per CPU in a per-CPU value buffer: the value size rounded up to 8, as the kernel copies it. */
    public int perCpuStride() {
        return (valueSize + 7) & ~7;
    }

    /** Number of possible CPUs, the number of values a per-CPU map holds per key. */
    public static int possibleCpus() {
        int cpus = LibBpf.get().numPossibleCpus();
        if (cpus <= 0) {
            throw new BpfException("libbpf_num_possible_cpus", "this machine", cpus);
        }
        return cpus;
    }

    /** Closes the descriptor if this map owns it; a borrowed one lives as long as its object. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner == null) {
                Libc.close(fd);
            }
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    private String describe() {
        return "map " + name + " (id " + id + ", fd " + fd + ")";
    }

    private void checkOpen() {
        if (owner == null ? closed : owner.isClosed()) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }

    private void requireSingleValue(String operation) {
        if (isPerCpu()) {
            throw new IllegalStateException("map " + name + " is per-CPU: " + operation
                    + " needs one value per CPU (use the MemorySegment form or lookupPerCpu)");
        }
    }

    private void checkLength(String what, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " for map " + name + " must be " + expected
                    + " bytes, got " + actual);
        }
    }

    private void checkSegment(String what, MemorySegment segment, long minimum) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(what + " for map " + name + " must be a native segment");
        }
        if (segment.byteSize() < minimum) {
            throw new IllegalArgumentException(what + " for map " + name + " must hold at least "
                    + minimum + " bytes, got " + segment.byteSize());
        }
    }
}
