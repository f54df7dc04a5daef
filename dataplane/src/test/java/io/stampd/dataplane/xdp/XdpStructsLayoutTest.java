package io.stampd.dataplane.xdp;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XdpStructs against the C headers: a C program generated from the Java layouts prints sizeof,
 * alignment, and every member's offsetof and sizeof, and the value of every STAMP_* constant the
 * Java side names; the host compiler builds it against ebpf/stamp_*.h (a name the headers lack
 * fails the compile). The other way round, every #define and enum constant of the headers must
 * have its Java twin.
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
    void javaLayoutsAndConstantsMatchTheHeaders(@TempDir Path dir) throws Exception {
        Path compiler = XdpTestEnv.findCommand("gcc") != null ? XdpTestEnv.findCommand("gcc") : XdpTestEnv.findCommand("cc");
        if (compiler == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("no C compiler (gcc, cc) to check XdpStructs against the headers");
            }
            Assumptions.abort("no C compiler (gcc, cc) to check XdpStructs against the headers");
        }
        Path ebpf = XdpTestEnv.projectRoot().resolve("ebpf");
        Map<String, StructLayout> layouts = layouts();
        Map<String, Long> constants = constants();
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n");
        for (String h : HEADERS) {
            c.append("#include \"").append(h).append("\"\n");
        }
        c.append("int main(void) {\n");
        for (Map.Entry<String, StructLayout> e : layouts.entrySet()) {
            String s = "struct " + e.getKey();
            c.append(String.format("  printf(\"S %s %%zu %%zu\\n\", sizeof(%s), _Alignof(%s));%n", e.getKey(), s, s));
            for (MemoryLayout m : e.getValue().memberLayouts()) {
                if (m.name().isEmpty()) {
                    continue; // padding
                }
                String n = m.name().get();
                c.append(String.format("  printf(\"M %s %s %%zu %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));%n",
                        e.getKey(), n, s, n, s, n));
            }
        }
        for (String name : constants.keySet()) {
            c.append(String.format("  printf(\"C %s %%llu\\n\", (unsigned long long)(%s));%n", name, name));
        }
        c.append("  return 0;\n}\n");
        Path source = dir.resolve("layout.c");
        Path binary = dir.resolve("layout");
        Files.writeString(source, c.toString());
        String compiled = run(List.of(compiler.toString(), "-Wall", "-Werror", "-I", ebpf.toString(), "-o",
                binary.toString(), source.toString()));
        assertTrue(Files.isExecutable(binary), "compile failed: " + compiled);

        Map<String, String> printed = new LinkedHashMap<>();
        for (String line : run(List.of(binary.toString())).split("\n")) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "S" -> printed.put("S " + w[1], w[2] + " " + w[3]);
                case "M" -> printed.put("M " + w[1] + " " + w[2], w[3] + " " + w[4]);
                case "C" -> printed.put("C " + w[1], w[2]);
                default -> throw new AssertionError("unexpected output line: " + line);
            }
        }
        for (Map.Entry<String, StructLayout> e : layouts.entrySet()) {
            StructLayout l = e.getValue();
            assertEquals(l.byteSize() + " " + l.byteAlignment(), printed.get("S " + e.getKey()),
                    "sizeof and alignment of struct " + e.getKey());
            long covered = 0;
            for (MemoryLayout m : l.memberLayouts()) {
                if (m.name().isEmpty()) {
                    continue;
                }
                String n = m.name().get();
                long offset = l.byteOffset(MemoryLayout.PathElement.groupElement(n));
                assertEquals(offset + " " + m.byteSize(), printed.get("M " + e.getKey() + " " + n),
                        "offset and size of " + e.getKey() + "." + n);
                covered += m.byteSize();
            }
            // No C member the Java side leaves out: named members cover the struct (no implicit padding).
            assertEquals(l.byteSize(), covered, "struct " + e.getKey() + " has octets no Java member names");
            assertTrue(l instanceof GroupLayout);
        }
        for (Map.Entry<String, Long> e : constants.entrySet()) {
            assertEquals(String.valueOf(e.getValue()), printed.get("C " + e.getKey()), e.getKey());
        }
    }

    @Test
    void everyHeaderConstantHasAJavaTwin() throws Exception {
        Path ebpf = XdpTestEnv.projectRoot().resolve("ebpf");
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

    private static String run(List<String> command) throws IOException, InterruptedException {
        // Output to a file, not a pipe: a full pipe would block the child, and waitFor keeps its timeout.
        Path log = Files.createTempFile("stamp-xdp-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
