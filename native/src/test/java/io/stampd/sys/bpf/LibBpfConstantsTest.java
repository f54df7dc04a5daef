package io.stampd.sys.bpf;

import io.stampd.sys.CStructCheck;
import org.junit.jupiter.api.Test;

import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every int or long constant of {@link LibBpf}, checked against the headers (linux/bpf.h,
 * linux/if_link.h, bpf/bpf.h, bpf/libbpf.h) by reflection, so a constant added later is checked
 * too: {@code PREFIX_MEMBER_NAME} is {@code offsetof(struct, member_name)} of the struct its
 * prefix names, any other constant is the C macro or enum value of the same name. A
 * {@code PREFIX_SIZE} is the size of the struct's layout, which {@code KernelStructLayoutTest}
 * checks against {@code sizeof} (allowing for headers newer than libbpf 1.1 / Linux 6.1).
 */
class LibBpfConstantsTest {
    private static final Map<String, StructLayout> STRUCT_OF_PREFIX = Map.of(
            "PROG_INFO_", LibBpfStructs.BPF_PROG_INFO,
            "MAP_INFO_", LibBpfStructs.BPF_MAP_INFO,
            "XDP_ATTACH_OPTS_", LibBpfStructs.BPF_XDP_ATTACH_OPTS,
            "OPEN_OPTS_", LibBpfStructs.BPF_OBJECT_OPEN_OPTS,
            "TEST_RUN_OPTS_", LibBpfStructs.BPF_TEST_RUN_OPTS,
            "XDP_MD_", LibBpfStructs.XDP_MD,
            "TC_HOOK_", LibBpfStructs.BPF_TC_HOOK,
            "TC_OPTS_", LibBpfStructs.BPF_TC_OPTS);
    private static final Map<String, String> RENAMED = Map.of("OBJ_NAME_LEN", "BPF_OBJ_NAME_LEN");

    @Test
    void everyLibBpfConstantMatchesTheHeaders() throws IllegalAccessException {
        CStructCheck check = CStructCheck.including("linux/bpf.h", "linux/if_link.h", "bpf/bpf.h", "bpf/libbpf.h");
        int structConstants = 0;
        for (Field field : LibBpf.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers)
                    || !(field.getType() == int.class || field.getType() == long.class)) {
                continue;
            }
            field.setAccessible(true);
            String name = field.getName();
            long value = ((Number) field.get(null)).longValue();
            String expression = RENAMED.getOrDefault(name, name);
            for (Map.Entry<String, StructLayout> prefix : STRUCT_OF_PREFIX.entrySet()) {
                if (name.startsWith(prefix.getKey())) {
                    StructLayout struct = prefix.getValue();
                    String member = name.substring(prefix.getKey().length()).toLowerCase(Locale.ROOT);
                    expression = member.equals("size") ? null
                            : "offsetof(struct " + struct.name().orElseThrow() + ", " + member + ")";
                    if (expression == null) {
                        assertEquals(struct.byteSize(), value, name + " is not the size of " + struct.name().get());
                    }
                    structConstants++;
                }
            }
            if (expression != null) {
                check.constant("LibBpf." + name, expression, value);
            }
        }
        assertTrue(structConstants >= 30, "found only " + structConstants + " struct constants in LibBpf");
        check.assertMatches();
    }
}
