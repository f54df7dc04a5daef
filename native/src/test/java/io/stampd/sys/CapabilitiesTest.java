package io.stampd.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.sys.Capabilities.Capability;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void readsTheEffectiveSetFromTheProcessStatus() {
        // CAP_NET_BIND_SERVICE (10), CAP_NET_RAW (13) and CAP_BPF (39): 0x8000002400
        Capabilities caps = Capabilities.parse(List.of("Name:\tjava", "CapInh:\t0000000000000000",
                "CapPrm:\t0000008000002400", "CapEff:\t0000008000002400", "CapBnd:\t0000008000002400"));
        assertTrue(caps.has(Capability.NET_BIND_SERVICE));
        assertTrue(caps.has(Capability.NET_RAW));
        assertTrue(caps.has(Capability.BPF));
        assertFalse(caps.has(Capability.NET_ADMIN));
        assertFalse(caps.has(Capability.SYS_ADMIN));
        assertEquals(List.of(Capability.NET_ADMIN, Capability.SYS_ADMIN),
                caps.missing(Capability.NET_RAW, Capability.NET_ADMIN, Capability.SYS_ADMIN));
        assertEquals("needs CAP_NET_ADMIN (this process has CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_BPF)",
                caps.needs(List.of(Capability.NET_ADMIN)));
    }

    @Test
    void saysWhenItHasNoneOfThem() {
        Capabilities none = Capabilities.parse(List.of("CapEff:\t0000000000000000"));
        assertEquals("needs CAP_SYS_ADMIN (this process has none of the capabilities stampd uses)",
                none.needs(none.missing(Capability.SYS_ADMIN)));
    }

    @Test
    void aStatusWithoutTheLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse(List.of("Name:\tjava")));
    }

    @Test
    void rootInItsNamespaceHasEverything() {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")));
        assertTrue(Capabilities.current().missing(Capability.values()).isEmpty());
    }
}
