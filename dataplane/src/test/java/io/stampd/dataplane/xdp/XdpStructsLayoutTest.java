package io.stampd.dataplane.xdp;

import io.stampd.sys.CStructCheck;
import io.stampd.sys.TestMachine;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * XdpStructs against the C headers ebpf/stamp_*.h through {@link CStructCheck}: sizeof,
 * alignment, every member's offset and size, and the value of every STAMP_* constant the Java side
 * names (a name the headers lack fails the compile). The other way round, every #define and enum
 * constant of the headers must have its Java twin.
 */
class XdpStructsLayoutTest {
    static final List<String> HEADERS = List.of("stamp_xdp.h", "stamp_reflector.h", "stamp_collector.h");

    static Map<String, StructLayout> layouts() throws IllegalAccessException {
        Map<String, StructLayout> layouts = new LinkedHashMap<>();
        for (Field f : XdpStructs.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == StructLayout.class) {
                StructLayout l = (StructLayout) f.get(null);
                layouts.put(l.name().orElseThrow(), l);
            }
        }
        return layouts;
    }

    static Map<String, Long> constants() throws IllegalAccessException {
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Field f : XdpStructs.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("STAMP_") && f.getType() == int.class) {
                constants.put(f.getName(), Integer.toUnsignedLong(f.getInt(null)));
            }
        }
        return constants;
    }

    @Test
    void javaLayoutsAndConstantsMatchTheHeaders() throws Exception {
        CStructCheck check = CStructCheck.including(HEADERS.stream().map(h -> "\"" + h + "\"").toArray(String[]::new))
                .includeDir(TestMachine.projectRoot().resolve("ebpf"));
        for (Map.Entry<String, StructLayout> e : layouts().entrySet()) {
            StructLayout l = e.getValue();
            check.struct("struct " + e.getKey(), l);
            // No C member the Java side leaves out: named members cover the struct (no padding elements).
            long covered = l.memberLayouts().stream().filter(m -> m.name().isPresent())
                    .mapToLong(MemoryLayout::byteSize).sum();
            assertEquals(l.byteSize(), covered, "struct " + e.getKey() + " has octets no Java member names");
        }
        constants().forEach((name, value) -> check.constant("XdpStructs." + name, name, value));
        check.assertMatches();
    }

    @Test
    void everyHeaderConstantHasAJavaTwin() throws Exception {
        Path ebpf = TestMachine.projectRoot().resolve("ebpf");
        TreeSet<String> inHeaders = new TreeSet<>();
        Pattern define = Pattern.compile("^#define[ \\t]+(STAMP_[A-Z0-9_]+)[ \\t]+\\S", Pattern.MULTILINE);
        Pattern enumMember = Pattern.compile("^\\s+(STAMP_C_[A-Z0-9_]+)\\s*(=\\s*\\d+)?\\s*,?", Pattern.MULTILINE);
        Pattern struct = Pattern.compile("^struct\\s+(stamp_[a-z_]+)\\s*\\{", Pattern.MULTILINE);
        TreeSet<String> structs = new TreeSet<>();
        for (String h : HEADERS) {
            String text = Files.readString(ebpf.resolve(h));
            for (Matcher m = define.matcher(text); m.find(); ) {
                inHeaders.add(m.group(1));
            }
            for (Matcher m = enumMember.matcher(text); m.find(); ) {
                inHeaders.add(m.group(1));
            }
            for (Matcher m = struct.matcher(text); m.find(); ) {
                structs.add(m.group(1));
            }
        }
        assertTrue(inHeaders.contains("STAMP_C_COUNT") && inHeaders.contains("STAMP_MAX_SEGMENTS"),
                "the header scan found the constants: " + inHeaders);
        List<String> missing = new ArrayList<>(inHeaders);
        missing.removeAll(constants().keySet());
        assertEquals(List.of(), missing, "header constants without a Java twin in XdpStructs");
        assertEquals(structs, new TreeSet<>(layouts().keySet()), "structs of the headers vs XdpStructs layouts");
    }
}
