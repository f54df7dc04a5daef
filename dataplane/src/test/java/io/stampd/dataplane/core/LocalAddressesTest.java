package io.stampd.dataplane.core;

import io.stampd.dataplane.session.Ipv6Addresses;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /proc/net/if_inet6 as the reflector reads it: which addresses are local, and on which interface. */
class LocalAddressesTest {
    /** Address, index, prefix length, scope, flags, name (the kernel's layout, hex fields). */
    private static final String IF_INET6 = """
            fe80000000000000005400fffe000003 0b 40 20 80     rfl0
            fd000023000000000000000000000003 0b 40 00 80     rfl0
            00000000000000000000000000000001 01 80 10 80       lo
            fd0000ff000000000000000000000002 01 80 00 80       lo
            fd000034000000000000000000000003 0c 40 00 80     two0
            fd000034000000000000000000000004 0c 40 00 80     two0
            """;

    private static LocalAddresses parsed() {
        LocalAddresses a = new LocalAddresses();
        a.parse(ByteBuffer.wrap(IF_INET6.getBytes(StandardCharsets.US_ASCII)));
        return a;
    }

    private static MemorySegment address(String text) {
        return MemorySegment.ofArray(Ipv6Addresses.parse(text, "test").getAddress());
    }

    @Test
    void everyListedAddressIsLocal() {
        LocalAddresses a = parsed();
        for (String s : new String[] {"fe80::54:ff:fe00:3", "fd00:23::3", "::1", "fd00:ff::2", "fd00:34::3", "fd00:34::4"}) {
            assertTrue(a.isLocal(address(s)), s);
        }
        assertFalse(a.isLocal(address("fd00:23::4")));
    }

    /** Control Code 1 may leave the source to the kernel only where it has no other choice. */
    @Test
    void theSoleGlobalAddressOfAnInterfaceIsRecognised() {
        LocalAddresses a = parsed();
        assertTrue(a.isSoleGlobalAddressOf(address("fd00:23::3"), 0x0b), "rfl0: one global, one link-local");
        assertFalse(a.isSoleGlobalAddressOf(address("fd00:23::3"), 0x0c), "not on that interface");
        assertFalse(a.isSoleGlobalAddressOf(address("fe80::54:ff:fe00:3"), 0x0b), "link-local scope");
        assertFalse(a.isSoleGlobalAddressOf(address("fd00:34::3"), 0x0c), "two0 has two global addresses");
        assertTrue(a.isSoleGlobalAddressOf(address("fd00:ff::2"), 0x01), "::1 is host scope, not global");
        assertFalse(a.isSoleGlobalAddressOf(address("fd00:23::4"), 0x0b), "not an address of this node");
    }
}
