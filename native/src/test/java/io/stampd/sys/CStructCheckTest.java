package io.stampd.sys;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.lang.foreign.StructLayout;
import java.util.List;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checker itself finds what it is meant to find: wrong offsets, sizes, names and values. */
class CStructCheckTest {

    /** Skips (or fails, under CI) the class as a whole when there is no compiler, before any assertThrows. */
    @BeforeAll
    static void compilerIsThere() {
        assertEquals("ok", CStructCheck.including().runProgram("    puts(\"ok\");\n    return 0;\n").trim());
    }

    /** struct msghdr with msg_iovlen forgotten: msg_control lands at 24 instead of 32. */
    private static final StructLayout MSGHDR_WITHOUT_IOVLEN = structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            paddingLayout(4));

    @Test
    void reportsAWrongOffsetAndSize() {
        CStructCheck.Report report = CStructCheck.including("sys/socket.h")
                .struct("struct msghdr", MSGHDR_WITHOUT_IOVLEN).run();
        assertTrue(report.mismatches().contains("struct msghdr.msg_control: C offset 32, Java 24"), report.toString());
        assertTrue(report.mismatches().contains("struct msghdr.msg_flags: C offset 48, Java 40"), report.toString());
        assertTrue(report.mismatches().contains("sizeof(struct msghdr): C 56, Java 48"), report.toString());
        assertEquals(4, report.mismatches().size(), report.toString()); // and msg_controllen
        AssertionError e = assertThrows(AssertionError.class, () -> CStructCheck.including("sys/socket.h")
                .struct("struct msghdr", MSGHDR_WITHOUT_IOVLEN).assertMatches());
        assertTrue(e.getMessage().contains("struct msghdr.msg_control: C offset 32, Java 24"), e.getMessage());
    }

    @Test
    void reportsAWrongMemberSizeAndAlignment() {
        StructLayout iovecWithIntLength = structLayout(ADDRESS.withName("iov_base"), JAVA_INT.withName("iov_len"),
                paddingLayout(4));
        assertEquals(List.of("struct iovec.iov_len: C size 8, Java 4"),
                CStructCheck.including("sys/uio.h").struct("struct iovec", iovecWithIntLength).run().mismatches());
        // The other architecture's struct epoll_event (packed is x86-64's) is wrong here.
        StructLayout otherArchEpollEvent = KernelStructs.epollEvent(!KernelStructs.isX86_64());
        List<String> mismatches = CStructCheck.including("sys/epoll.h")
                .struct("struct epoll_event", otherArchEpollEvent).run().mismatches();
        assertTrue(mismatches.contains("struct epoll_event.data: C offset " + (KernelStructs.isX86_64() ? "4, Java 8" : "8, Java 4")),
                mismatches.toString());
        assertTrue(mismatches.stream().anyMatch(m -> m.startsWith("_Alignof(struct epoll_event)")), mismatches.toString());
    }

    @Test
    void aMemberTheHeadersDoNotHaveFailsNamingIt() {
        StructLayout misnamed = structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nanos"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> CStructCheck.including("time.h").struct("struct timespec", misnamed).run());
        assertTrue(e.getMessage().contains("tv_nanos"), e.getMessage());
    }

    @Test
    void anUnnamedValueMemberIsAnError() {
        StructLayout unnamed = structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG);
        CStructCheck.Report report = CStructCheck.including("time.h").struct("struct timespec", unnamed).run();
        assertEquals(1, report.mismatches().size(), report.toString());
        assertTrue(report.mismatches().getFirst().contains("unnamed member"), report.toString());
    }

    @Test
    void aGrownStructIsANoteUnlessItsVersionIsTheMirroredOne() {
        StructLayout secondsOnly = structLayout(JAVA_LONG.withName("tv_sec"));
        CStructCheck.Report older = CStructCheck.including("time.h")
                .struct("struct timespec", secondsOnly, "0").run();
        assertEquals(List.of(), older.mismatches());
        assertEquals(1, older.notes().size(), older.toString());
        CStructCheck.Report exact = CStructCheck.including("time.h")
                .struct("struct timespec", secondsOnly, "1").run();
        assertEquals(List.of("sizeof(struct timespec): C 16, Java 8"), exact.mismatches());
    }

    @Test
    void aMissingHeaderSkipsOrFailsUnderCi() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        Class<? extends Throwable> expected = ci ? AssertionError.class : TestAbortedException.class;
        Throwable t = assertThrows(expected,
                () -> CStructCheck.including("stampd/no_such_header.h").constant("1", 1).run());
        assertTrue(t.getMessage().contains("no_such_header.h"), t.getMessage());
    }

    @Test
    void constantsAreComparedAndAMissingOptionalOneIsANote() {
        CStructCheck.Report report = CStructCheck.including("errno.h")
                .constant("Libc.EINTR", "EINTR", 5)
                .constant("EAGAIN", Libc.EAGAIN)
                .constantIfDefined("EWOULDBLOCK", 12)
                .constantIfDefined("STAMPD_NO_SUCH_MACRO", 1)
                .run();
        assertEquals(List.of("Libc.EINTR = EINTR: C 4, Java 5", "EWOULDBLOCK: C 11, Java 12"), report.mismatches());
        assertEquals(1, report.notes().size(), report.toString());
        assertTrue(report.notes().getFirst().startsWith("STAMPD_NO_SUCH_MACRO is not defined"), report.toString());
    }
}
