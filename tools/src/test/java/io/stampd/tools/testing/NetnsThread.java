package io.stampd.tools.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs test code inside a named network namespace without a second process: a new platform thread
 * joins the namespace with setns(2), which moves only that thread, and runs the code. A socket
 * belongs to the namespace it was created in for its whole life, so sockets made this way can be
 * used from any thread afterwards; the rest of the JVM stays where it was.
 */
final class NetnsThread {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    // open(2) is variadic, but without O_CREAT glibc never reads the mode: two fixed arguments suffice.
    private static final MethodHandle OPEN = call("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = call("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private NetnsThread() {
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, CAPTURE_ERRNO);
    }

    /** Runs {@code body} on a new thread inside namespace {@code ns} (/run/netns/ns) and returns its result. */
    static <T> T call(String ns, Callable<T> body) throws Exception {
        if (!ns.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a namespace name: '" + ns + "'");
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("netns-" + ns).unstarted(() -> {
            try {
                join(ns);
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        Throwable e = failure.get();
        if (e instanceof Exception ex) {
            throw ex;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return result.get();
    }

    private static void join(String ns) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom("/run/netns/" + ns), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IllegalStateException("open /run/netns/" + ns + ": errno " + (int) ERRNO.get(errno, 0L));
            }
            try {
                if ((int) SETNS.invokeExact(errno, fd, CLONE_NEWNET) != 0) {
                    throw new IllegalStateException("setns " + ns + ": errno " + (int) ERRNO.get(errno, 0L));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(errno, fd);
            }
        }
    }
}
