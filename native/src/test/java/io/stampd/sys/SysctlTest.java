package io.stampd.sys;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SysctlTest {
    /** The whole value, as the kernel prints it (what the JDK's readString would cut to one octet). */
    @Test
    void readsTheWholeValue() throws IOException {
        String expected;
        try (var r = Files.newBufferedReader(Path.of("/proc/sys/net/ipv6/conf/lo/hop_limit"))) {
            expected = r.readLine().strip();
        }
        assertTrue(expected.length() >= 2, "a hop limit of two or three digits: " + expected);
        assertEquals(Integer.parseInt(expected), Sysctl.ipv6Conf("lo", "hop_limit", -1));
        assertEquals(-1, Sysctl.ipv6Conf("no-such-interface", "hop_limit", -1));
        assertEquals(expected, Sysctl.read("net/ipv6/conf/lo/hop_limit").orElseThrow());
        Sysctl.IntSetting setting = new Sysctl.IntSetting("net/ipv6/conf/lo/hop_limit");
        assertEquals(Integer.parseInt(expected), setting.read(-1));
        assertEquals(Integer.parseInt(expected), setting.read(-1), "read again");
        assertEquals(-1, new Sysctl.IntSetting("net/ipv6/conf/no-such-interface/mtu").read(-1));
    }
}
