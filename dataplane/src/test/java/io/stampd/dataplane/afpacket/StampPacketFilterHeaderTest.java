package io.stampd.dataplane.afpacket;

import io.stampd.sys.CStructCheck;
import io.stampd.sys.TestMachine;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * StampPacketFilter's constants against ebpf/stamp_packet_filter.h through {@link CStructCheck}
 * (the value of every STAMP_PF_* constant the Java side names, and SO_ATTACH_BPF against
 * &lt;sys/socket.h&gt;), and the other way round: every #define and enum constant of the header has
 * its Java twin and every counter a name. Also the test's own packet socket constants and layouts.
 */
class StampPacketFilterHeaderTest {
    static final String HEADER = "stamp_packet_filter.h";

    static Map<String, Long> constants() throws IllegalAccessException {
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Field f : StampPacketFilter.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("STAMP_PF_") && f.getType() == int.class) {
                constants.put(f.getName(), Integer.toUnsignedLong(f.getInt(null)));
            }
        }
        return constants;
    }

    @Test
    void javaConstantsMatchTheHeader() throws Exception {
        CStructCheck check = CStructCheck.including("sys/socket.h", "\"" + HEADER + "\"")
                .includeDir(TestMachine.projectRoot().resolve("ebpf"));
        constants().forEach((name, value) -> check.constant("StampPacketFilter." + name, name, value));
        check.constant("StampPacketFilter.SO_ATTACH_BPF", "SO_ATTACH_BPF", StampPacketFilter.SO_ATTACH_BPF);
        check.assertMatches();
    }

    @Test
    void everyHeaderConstantHasAJavaTwinAndEveryCounterAName() throws Exception {
        String text = Files.readString(TestMachine.projectRoot().resolve("ebpf").resolve(HEADER));
        TreeSet<String> inHeader = new TreeSet<>();
        Pattern define = Pattern.compile("^#define[ \\t]+(STAMP_PF_[A-Z0-9_]+)[ \\t]+\\S", Pattern.MULTILINE);
        Pattern enumMember = Pattern.compile("^\\s+(STAMP_PF_[A-Z0-9_]+)\\s*(=\\s*\\d+)?\\s*,?", Pattern.MULTILINE);
        for (Matcher m = define.matcher(text); m.find(); ) {
            inHeader.add(m.group(1));
        }
        for (Matcher m = enumMember.matcher(text); m.find(); ) {
            inHeader.add(m.group(1));
        }
        assertTrue(inHeader.contains("STAMP_PF_COUNT") && inHeader.contains("STAMP_PF_MAX_LOCAL"),
                "the header scan found the constants: " + inHeader);
        List<String> missing = new ArrayList<>(inHeader);
        missing.removeAll(constants().keySet());
        assertEquals(List.of(), missing, "header constants without a Java twin in StampPacketFilter");
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < StampPacketFilter.STAMP_PF_COUNT; i++) {
            names.add(StampPacketFilter.counterName(i));
        }
        assertEquals(StampPacketFilter.STAMP_PF_COUNT, names.size(), "distinct counter names: " + names);
    }

    @Test
    void packetSocketConstantsAndLayoutsMatchTheHeaders() {
        CStructCheck.including("sys/socket.h", "sys/time.h", "linux/if_packet.h", "linux/if_ether.h")
                .struct("struct sockaddr_ll", PacketSocket.SOCKADDR_LL)
                .struct("struct timeval", PacketSocket.TIMEVAL)
                .constant("PacketSocket.AF_PACKET", "AF_PACKET", PacketSocket.AF_PACKET)
                .constant("PacketSocket.SOCK_RAW", "SOCK_RAW", PacketSocket.SOCK_RAW)
                .constant("PacketSocket.ETH_P_ALL", "ETH_P_ALL", PacketSocket.ETH_P_ALL)
                .constant("PacketSocket.SO_RCVTIMEO", "SO_RCVTIMEO", PacketSocket.SO_RCVTIMEO)
                .assertMatches();
    }
}
