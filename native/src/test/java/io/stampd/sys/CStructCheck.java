package io.stampd.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Checks Java struct layouts and constants against the C headers they mirror: generates a C
 * program that prints {@code sizeof}, {@code _Alignof} and {@code offsetof} of every named member
 * of every layout (and the value of every constant), compiles it with the host C compiler, runs it
 * and compares.
 *
 * <pre>{@code
 * CStructCheck.including("sys/socket.h")
 *         .struct("struct msghdr", KernelStructs.MSGHDR)
 *         .constant("MSG_ERRQUEUE", Libc.MSG_ERRQUEUE)
 *         .assertMatches();   // "struct msghdr.msg_control: C offset 32, Java 24", ...
 * }</pre>
 *
 * <p>Layout rules: a named member is checked for its offset and {@code sizeof}; a named struct or
 * union member is also checked member by member ({@code ifr_ifru.ifru_hwaddr.sa_data}); an array
 * (sequence layout) also for the size of its element, and an array of structs through its element
 * 0 ({@code ts[0].tv_nsec}). An unnamed struct or union stands for a C anonymous one: its members
 * are checked as members of the enclosing struct. Padding elements stand for C padding, bit-fields
 * and unnamed members and are not checked by name, but the offsets after them are. Any other
 * unnamed member is an error. Each struct's size and alignment are checked too.
 *
 * <p>The program is compiled with {@code $CC}, else {@code cc} or {@code gcc} from PATH, as
 * {@code -std=gnu11 -D_GNU_SOURCE}. A missing compiler or header skips the test, except under CI
 * (env CI=true), where it fails: a skipped check would hide a broken machine. A member name or
 * constant the headers do not have is always a failure (the compiler's message says which).
 */
public final class CStructCheck {
    private static final long TIMEOUT_SECONDS = 60;

    private final List<String> headers;
    private final List<Path> includeDirs = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final List<String> layoutErrors = new ArrayList<>();

    /**
     * One number the C program prints ({@code cExpression}), compared with {@code java} as
     * {@code kind} says; a mismatch reads "{@code label}: C {@code what}32, Java 24".
     */
    private record Item(String label, String what, String cExpression, long java, Kind kind, String condition) {
    }

    private enum Kind {
        /** Equal, or a mismatch. */
        EXACT,
        /** Equal while {@code condition} (a preprocessor expression) holds; otherwise C may be larger. */
        SIZE,
        /** A macro that may be missing: checked when defined, noted when not. */
        IF_DEFINED
    }

    /** The outcome of {@link #run()}: every mismatch, and notes about what was not compared exactly. */
    public record Report(int checks, List<String> mismatches, List<String> notes) {
    }

    private CStructCheck(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    /**
     * A check of the declarations in {@code headers}: {@code "sys/socket.h"} is included as
     * {@code <sys/socket.h>}, a name in double quotes as itself (see {@link #includeDir}).
     */
    public static CStructCheck including(String... headers) {
        return new CStructCheck(List.of(headers));
    }

    /** Adds {@code -I dir}, for the project's own headers. */
    public CStructCheck includeDir(Path dir) {
        includeDirs.add(dir.toAbsolutePath());
        return this;
    }

    /** Checks {@code layout} against {@code cType} ("struct msghdr", or a typedef name) exactly. */
    public CStructCheck struct(String cType, GroupLayout layout) {
        return struct(cType, layout, "1");
    }

    /**
     * Checks {@code layout} against {@code cType}; its size must equal C's while the preprocessor
     * condition {@code exactWhen} holds (the headers are the version the layout mirrors, e.g.
     * {@code "LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 1"}). Otherwise the C struct may
     * be larger: for structs that only grow at the end and are passed with their size (bpf(2) info
     * structs, libbpf option structs), an older Java mirror is still right. Members are always
     * checked exactly.
     */
    public CStructCheck struct(String cType, GroupLayout layout, String exactWhen) {
        int before = items.size();
        items.add(new Item("sizeof(" + cType + ")", "", "sizeof(" + cType + ")", layout.byteSize(),
                Kind.SIZE, exactWhen));
        items.add(new Item("_Alignof(" + cType + ")", "", "_Alignof(" + cType + ")", layout.byteAlignment(),
                Kind.EXACT, null));
        members(cType, layout, 0, "");
        if (items.size() == before + 2) {
            throw new IllegalArgumentException("layout of " + cType + " has no named member to check");
        }
        return this;
    }

    /** Checks a constant: {@code cExpression} (a macro, an enum member, any integer expression) is {@code java}. */
    public CStructCheck constant(String cExpression, long java) {
        return constant(cExpression, cExpression, java);
    }

    /** As {@link #constant(String, long)}, naming the Java side in a mismatch ("Libc.MSG_CONTROL = offsetof(...)"). */
    public CStructCheck constant(String javaName, String cExpression, long java) {
        String label = javaName.equals(cExpression) ? cExpression : javaName + " = " + cExpression;
        items.add(new Item(label, "", cExpression, java, Kind.EXACT, null));
        return this;
    }

    /**
     * Checks macro {@code name} when the headers define it; when they do not (it is newer than the
     * installed headers), the Java value stays unchecked and the report notes it.
     */
    public CStructCheck constantIfDefined(String name, long java) {
        items.add(new Item(name, "", name, java, Kind.IF_DEFINED, null));
        return this;
    }

    private void members(String cType, GroupLayout group, long base, String prefix) {
        long offset = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            long at = base + (group instanceof StructLayout ? offset : 0);
            if (group instanceof StructLayout) {
                offset += member.byteSize();
            }
            if (member instanceof PaddingLayout) {
                continue;
            }
            if (member.name().isEmpty()) {
                if (member instanceof GroupLayout anonymous) {
                    members(cType, anonymous, at, prefix);
                } else {
                    layoutErrors.add(cType + ": unnamed member " + member + " at Java offset " + at
                            + " (name it after the C field, or make it a padding layout)");
                }
                continue;
            }
            member(cType, member, at, prefix.isEmpty() ? member.name().get() : prefix + "." + member.name().get());
        }
    }

    private void member(String cType, MemoryLayout member, long at, String path) {
        String label = cType + "." + path;
        items.add(new Item(label, "offset ", "offsetof(" + cType + ", " + path + ")", at, Kind.EXACT, null));
        items.add(new Item(label, "size ", "sizeof(((" + cType + " *) 0)->" + path + ")", member.byteSize(),
                Kind.EXACT, null));
        if (member instanceof GroupLayout nested) {
            members(cType, nested, at, path);
        } else if (member instanceof SequenceLayout array) {
            member(cType, array.elementLayout(), at, path + "[0]");
        }
    }

    /** Compiles and runs the check, and compares; skips or fails (CI) if there is no compiler or header. */
    public Report run() {
        if (!layoutErrors.isEmpty()) {
            return new Report(items.size(), List.copyOf(layoutErrors), List.of());
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            switch (item.kind) {
                case EXACT -> body.append("    printf(\"%d %lld exact\\n\", ").append(i)
                        .append(", (long long) (").append(item.cExpression).append("));\n");
                case SIZE -> body.append("#if ").append(item.condition).append('\n')
                        .append("    printf(\"%d %lld exact\\n\", ").append(i)
                        .append(", (long long) (").append(item.cExpression).append("));\n")
                        .append("#else\n")
                        .append("    printf(\"%d %lld grown\\n\", ").append(i)
                        .append(", (long long) (").append(item.cExpression).append("));\n")
                        .append("#endif\n");
                case IF_DEFINED -> body.append("#ifdef ").append(item.cExpression).append('\n')
                        .append("    printf(\"%d %lld exact\\n\", ").append(i)
                        .append(", (long long) (").append(item.cExpression).append("));\n")
                        .append("#else\n")
                        .append("    printf(\"%d 0 absent\\n\", ").append(i).append(");\n")
                        .append("#endif\n");
            }
        }
        body.append("    return 0;\n");
        String output = runProgram(body.toString());

        Map<Integer, String[]> printed = new HashMap<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                String[] fields = line.trim().split(" ");
                printed.put(Integer.parseInt(fields[0]), fields);
            }
        }
        List<String> mismatches = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            String[] fields = printed.get(i);
            if (fields == null) {
                mismatches.add(item.label + ": the C program printed nothing for it");
                continue;
            }
            long c = Long.parseLong(fields[1]);
            String how = fields[2];
            String label = item.label;
            String what = item.what;
            switch (how) {
                case "absent" -> notes.add(item.label + " is not defined in these headers (newer than them);"
                        + " Java value " + item.java + " not checked");
                case "grown" -> {
                    if (c < item.java) {
                        mismatches.add(label + ": C " + c + ", Java " + item.java
                                + " (Java is larger than these headers' struct)");
                    } else if (c > item.java) {
                        notes.add(label + ": C " + c + ", Java " + item.java
                                + " (these headers are newer than the version Java mirrors; the struct grew at the end)");
                    }
                }
                default -> {
                    if (c != item.java) {
                        mismatches.add(label + ": C " + what + c + ", Java " + item.java);
                    }
                }
            }
        }
        return new Report(items.size(), mismatches, notes);
    }

    /** {@link #run()}, then fails listing every mismatch; notes go to standard output. */
    public void assertMatches() {
        Report report = run();
        report.notes().forEach(note -> System.out.println("CStructCheck note: " + note));
        if (!report.mismatches().isEmpty()) {
            throw new AssertionError(report.mismatches().size() + " of " + report.checks()
                    + " checks differ between C (" + String.join(", ", headers) + ") and Java:\n  "
                    + String.join("\n  ", report.mismatches()));
        }
    }

    /**
     * Compiles {@code mainBody} as the body of {@code int main(void)}, after the headers (and
     * stdio.h, stddef.h), runs it and returns what it printed. A missing compiler or header skips
     * (or fails under CI); a compile error or a non-zero exit fails.
     */
    public String runProgram(String mainBody) {
        StringBuilder prelude = new StringBuilder();
        prelude.append("#include <stddef.h>\n#include <stdio.h>\n");
        for (String header : headers) {
            prelude.append("#include ").append(header.startsWith("\"") ? header : "<" + header + ">").append('\n');
        }
        String compiler = compiler();
        Path dir;
        try {
            dir = Files.createTempDirectory("cstructcheck");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // The headers alone first, so that a missing one is told apart from a wrong member name.
            Path probe = write(dir.resolve("headers.c"), prelude + "int main(void) { return 0; }\n");
            Result headersOnly = exec(dir, command(compiler, "-fsyntax-only", probe));
            if (headersOnly.exit != 0) {
                String what = "the C headers " + headers + " do not compile with " + compiler + ":\n" + headersOnly.output;
                if (headersOnly.output.contains("No such file or directory")) {
                    unavailable(what);
                }
                throw new AssertionError(what);
            }
            String source = prelude + "\nint main(void) {\n" + mainBody + "}\n";
            Path c = write(dir.resolve("check.c"), source);
            Path program = dir.resolve("check");
            Result compiled = exec(dir, command(compiler, "-o", program, c));
            if (compiled.exit != 0) {
                throw new AssertionError("the generated C program does not compile (a member or constant"
                        + " the headers do not have?):\n" + compiled.output + "\n--- " + c.getFileName() + ":\n"
                        + numbered(source));
            }
            Result ran = exec(dir, List.of(program.toString()));
            if (ran.exit != 0) {
                throw new AssertionError("the generated C program exited with " + ran.exit + ":\n" + ran.output);
            }
            return ran.output;
        } finally {
            deleteTree(dir);
        }
    }

    private List<String> command(String compiler, Object... args) {
        List<String> command = new ArrayList<>(List.of(compiler, "-std=gnu11", "-D_GNU_SOURCE"));
        for (Path dir : includeDirs) {
            command.add("-I" + dir);
        }
        for (Object arg : args) {
            command.add(arg.toString());
        }
        return command;
    }

    /** $CC (a command name or path), else cc or gcc from PATH. */
    private static String compiler() {
        String cc = System.getenv("CC");
        List<String> candidates = cc != null && !cc.isBlank() ? List.of(cc.trim()) : List.of("cc", "gcc");
        for (String name : candidates) {
            if (name.contains("/")) {
                if (Files.isExecutable(Path.of(name))) {
                    return name;
                }
                continue;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        unavailable("no C compiler " + (cc != null && !cc.isBlank() ? "(CC=" + cc + " is not executable)"
                : "(cc or gcc in PATH; install gcc, as tools/lib/prereqs.sh does)"));
        throw new AssertionError("unreachable");
    }

    private static void unavailable(String what) {
        TestMachine.unavailable(what);
    }

    private record Result(int exit, String output) {
    }

    private static Result exec(Path dir, List<String> command) {
        try {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            // A failure shows both streams; a success only what the program printed.
            return process.exitValue() == 0 ? new Result(0, stdout)
                    : new Result(process.exitValue(), stderr + stdout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String numbered(String source) {
        StringBuilder out = new StringBuilder();
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            out.append(String.format("%4d  %s%n", i + 1, lines[i]));
        }
        return out.toString();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }
}
